using SensorStream.Streams.Events;

namespace SensorStream.Streams.Configuration;

/// <summary>
/// Bounds of the edge collector's settings that other components check too (the CLI validates a run's flags with
/// them before starting anything), so each number is written once.
/// </summary>
public static class CollectorLimits
{
    /// <summary>Highest sampling rate per sensor, in Hz.</summary>
    public const int MaxRateHz = 20_000;

    /// <summary>Columns of the widest sensor (NIC: six counters plus the sequence), the worst case for an event's size.</summary>
    public const int WorstCaseColumns = 7;

    /// <summary>Conservative bytes per sample per column in the JSON form (a 19-digit long or a 17-digit double and a comma).</summary>
    public const int WorstCaseBytesPerValue = 26;

    /// <summary>
    /// Bytes a sampled sensor's sample takes in an event at the least: its Unix-nanosecond timestamp (19 digits) and one
    /// value of one digit, each with its separator in the JSON arrays. An event of <c>--batch</c> samples is never smaller
    /// than <c>--batch</c> times this, so a queue smaller than that can never hold one (the collector refuses it at start).
    /// </summary>
    public const int LeastBytesPerSample = 19 + 1 + 1 + 1;

    /// <summary>Most samples per event (<c>--batch</c>): the worst-case event must fit <see cref="SampleBatchJson.MaxEventBytes"/> (8 MiB: 46,091).</summary>
    public const int MaxBatch = SampleBatchJson.MaxEventBytes / (WorstCaseColumns * WorstCaseBytesPerValue);

    /// <summary>The sensor kinds a <c>--sensor kind:arguments</c> spec may name (the names of <see cref="Configuration.SensorKinds.All"/>).</summary>
    public static readonly IReadOnlyList<string> SensorKinds = Configuration.SensorKinds.All.Select(k => k.Name).ToArray();
}
