using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.Cli.Reading;
using SensorStream.EdgeModule.Queue;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;

namespace SensorStream.Chaos;

/// <summary>
/// What must hold after file damage: per sensor, the stream's events together with the ranges the collector recorded
/// as lost (its <c>Losses</c>) cover every sequence it issued, [0, next). A hole in that cover is a silent loss;
/// duplicates are the pipeline audit's part.
/// </summary>
public sealed record DamageAudit(IReadOnlyDictionary<string, long> Next, long RecordedRanges, long RecordedSamples, IReadOnlyList<string> Unexplained)
{
    /// <summary>Reads the stream and the collector's queue (the collector must be stopped).</summary>
    public static async Task<DamageAudit> RunAsync(GatewayClient gateway, StreamName stream, string edgeQueue, CancellationToken ct)
    {
        IReadOnlyDictionary<string, long> next;
        IReadOnlyList<Loss> losses;
        using (var queue = EventQueue.Open(edgeQueue, new QueueOptions(), NullLogger.Instance))
            (next, losses) = (queue.NextSequences(), queue.Losses());
        var ranges = losses.GroupBy(l => l.SensorId).ToDictionary(g => g.Key, g => g.Select(l => (l.FirstSequence, End: l.FirstSequence + l.SampleCount)).ToList());
        await foreach (var e in StreamBatches.ReadAllAsync(gateway, stream, ct))
        {
            if (e.Batch is not { } b) continue; // undecodable events are counted by the pipeline audit
            if (!ranges.TryGetValue(b.SensorId, out var list)) ranges[b.SensorId] = list = [];
            list.Add((b.FirstSequence, b.NextSequence));
        }
        var unexplained = new List<string>();
        foreach (var (sensor, end) in next)
        {
            long at = 0;
            foreach (var (first, last) in ranges.GetValueOrDefault(sensor, []).OrderBy(r => r.Item1))
            {
                if (first > at) unexplained.Add($"{sensor} {at}..{first - 1}");
                at = Math.Max(at, last);
            }
            if (at < end) unexplained.Add($"{sensor} {at}..{end - 1}");
        }
        return new DamageAudit(next, losses.Count, losses.Sum(l => l.SampleCount), unexplained);
    }
}
