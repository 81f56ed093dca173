using SensorStream.EdgeModule.Queue;
using SensorStream.Streams.Client;
using SensorStream.Streams.Events;
using SensorStream.Streams.Naming;

namespace SensorStream.EdgeModule.Tests.Support;

/// <summary>
/// Reads a stream head to tail and proves, per sensor, that FirstSequence + Count chain with no gap and no
/// overlap — except gaps the collector recorded as losses, which must match exactly.
/// </summary>
public sealed class StreamAudit
{
    private StreamAudit(Dictionary<string, List<(long First, int Count)>> bySensor) => BySensor = bySensor;

    /// <summary>Per sensor, the (FirstSequence, Count) of each event in stream order.</summary>
    public IReadOnlyDictionary<string, List<(long First, int Count)>> BySensor { get; }

    public long TotalSamples => BySensor.Values.Sum(l => l.Sum(e => (long)e.Count));

    public long Samples(string sensor) => BySensor.TryGetValue(sensor, out var l) ? l.Sum(e => (long)e.Count) : 0;

    /// <summary>
    /// Reads the stream. <paramref name="renumbered"/>: per sensor, the shift the collector logged when a start-up check moved
    /// the samples it numbered before finding a rollback (EventQueue.Numbering.cs); the synthetic generator wrote their
    /// <c>Sample</c> column from the number they had before, so an event of such a sensor may hold <c>FirstSequence + i - shift</c>.
    /// </summary>
    public static Task<StreamAudit> ReadAsync(Uri gateway, StreamName stream, IReadOnlyDictionary<string, long>? renumbered = null) =>
        ReadAsync(new GatewayClientOptions { Endpoint = gateway }, stream, renumbered);

    public static async Task<StreamAudit> ReadAsync(GatewayClientOptions gateway, StreamName stream, IReadOnlyDictionary<string, long>? renumbered = null)
    {
        using var client = new GatewayClient(gateway);
        var bySensor = new Dictionary<string, List<(long, int)>>();
        try
        {
            await foreach (var e in client.ReadRangeAsync(stream))
            {
                var batch = SampleBatchJson.Deserialize(e.Data.Span);
                // Content check too: the synthetic generator's Sample column equals the sample's sequence.
                if (batch.LongColumn("Sample") is { } samples)
                {
                    var shift = samples.Length > 0 && samples[0] != batch.FirstSequence && renumbered?.GetValueOrDefault(batch.SensorId) is { } s ? s : 0;
                    for (var i = 0; i < samples.Length; i++)
                        if (samples[i] != batch.FirstSequence + i - shift)
                            throw new Xunit.Sdk.XunitException($"{batch.SensorId}: sample {i} of the event at {batch.FirstSequence} holds {samples[i]}");
                }
                if (!bySensor.TryGetValue(batch.SensorId, out var list)) bySensor[batch.SensorId] = list = [];
                list.Add((batch.FirstSequence, batch.Count));
            }
        }
        catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.NotFound)
        {
            // not created yet: empty
        }
        return new StreamAudit(bySensor);
    }

    /// <summary>
    /// Asserts that the stream's events of <paramref name="sensor"/> together with its recorded losses cover
    /// [0, <paramref name="next"/>) exactly once, in order.
    /// </summary>
    public void AssertExactlyOnce(string sensor, long next, IEnumerable<Loss>? losses = null)
    {
        var ranges = (BySensor.TryGetValue(sensor, out var events) ? events : [])
            .Select(e => (e.First, Count: (long)e.Count, Kind: "stream")).ToList();
        // Stream order must already be sequence order.
        for (var i = 1; i < ranges.Count; i++)
            Assert.True(ranges[i].First > ranges[i - 1].First, $"{sensor}: event at {ranges[i].First} comes after {ranges[i - 1].First} in the stream");
        var all = ranges.Concat((losses ?? []).Where(l => l.SensorId == sensor).Select(l => (First: l.FirstSequence, Count: l.SampleCount, Kind: l.Reason)))
            .OrderBy(r => r.First).ToList();
        long expected = 0;
        foreach (var r in all)
        {
            if (r.First != expected)
                throw new Xunit.Sdk.XunitException(r.First > expected
                    ? $"{sensor}: gap — samples {expected}..{r.First - 1} are neither in the stream nor recorded as lost"
                    : $"{sensor}: overlap — {r.Kind} range at {r.First} repeats samples before {expected}");
            expected += r.Count;
        }
        Assert.Equal(next, expected);
    }
}
