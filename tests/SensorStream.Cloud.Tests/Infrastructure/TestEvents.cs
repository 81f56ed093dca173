using System.Globalization;
using SensorStream.Streams.Events;

namespace SensorStream.Cloud.Tests.Infrastructure;

/// <summary>
/// Events of two sensor kinds whose every value follows from (sensor, sequence), so a row read back from an export can
/// be checked value by value: a NIC (long columns + a scalar) and an accelerometer (double columns).
/// </summary>
public static class TestEvents
{
    /// <summary>2026-11-26T10:00:00Z in ns; samples are 1 ms apart.</summary>
    public const long BaseNanos = 1_795_687_200_000_000_000;

    public static long Time(long sequence) => BaseNanos + sequence * 1_000_000;

    public static SampleBatch Nic(string sensor, long first, int count)
    {
        var seq = Enumerable.Range(0, count).Select(k => first + k).ToArray();
        return new SampleBatch(sensor, first, seq.Select(Time).ToArray())
            .WithScalar("Interface", "eth0, \"main\"")
            .WithColumn("RxBytes", seq.Select(s => s * 10 + 1).ToArray())
            .WithColumn("TxBytes", seq.Select(s => s * 7 + 3).ToArray());
    }

    public static SampleBatch Accel(string sensor, long first, int count)
    {
        var seq = Enumerable.Range(0, count).Select(k => first + k).ToArray();
        return new SampleBatch(sensor, first, seq.Select(Time).ToArray())
            .WithColumn("X", seq.Select(s => s * 0.5 + 0.25).ToArray())
            .WithColumn("Y", seq.Select(s => -s / 3.0).ToArray())
            .WithColumn("Z", seq.Select(s => 9.81 + s * 1e-3).ToArray());
    }

    /// <summary>Alternating NIC and accelerometer events: <paramref name="events"/> events of <paramref name="samples"/> samples each.</summary>
    public static IReadOnlyList<byte[]> Mixed(int events, int samples, long firstSequence = 0)
    {
        var result = new List<byte[]>();
        for (var e = 0; e < events; e++)
        {
            var first = firstSequence + e / 2 * samples;
            result.Add(SampleBatchJson.Serialize(e % 2 == 0 ? Nic("nic-eth0", first, samples) : Accel("accel-1", first, samples)));
        }
        return result;
    }

    /// <summary>A double as the exports write it: shortest round trip, and <c>.0</c> on a whole number.</summary>
    public static string Text(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.AsSpan().IndexOfAny(".E") < 0 ? text + ".0" : text;
    }

    /// <summary>A UTC time as the exports write it: ISO 8601 with microseconds and Z (Parquet TIMESTAMP(MICROS) holds no more).</summary>
    public static string Text(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// The rows a correct export holds for these events: (SensorId, Sequence) → column → invariant text (values a
    /// row's table has but its event lacks are null, so they are left out here and in the read-back alike).
    /// </summary>
    public static Dictionary<(string, long), Dictionary<string, string>> ExpectedRows(IEnumerable<byte[]> events)
    {
        var rows = new Dictionary<(string, long), Dictionary<string, string>>();
        foreach (var data in events)
        {
            SampleBatch batch;
            try
            {
                batch = SampleBatchJson.Deserialize(data);
            }
            catch (FormatException)
            {
                continue; // a malformed event yields no rows
            }
            for (var k = 0; k < batch.Count; k++)
            {
                var row = new Dictionary<string, string>
                {
                    ["SensorId"] = batch.SensorId,
                    ["Sequence"] = (batch.FirstSequence + k).ToString(CultureInfo.InvariantCulture),
                    ["TimestampNanos"] = batch.TimestampNanos[k].ToString(CultureInfo.InvariantCulture),
                    ["Timestamp"] = Text(DateTime.UnixEpoch.AddTicks(batch.TimestampNanos[k] / 100)),
                };
                foreach (var (name, values) in batch.LongColumns) row[name] = values[k].ToString(CultureInfo.InvariantCulture);
                foreach (var (name, values) in batch.DoubleColumns) row[name] = Text(values[k]);
                foreach (var (name, value) in batch.Scalars) row[name] = value;
                rows.Add((batch.SensorId, batch.FirstSequence + k), row);
            }
        }
        return rows;
    }
}
