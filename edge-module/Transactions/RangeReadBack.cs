using System.Diagnostics;
using SensorStream.EdgeModule.Queue;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Streams.Protocol;

namespace SensorStream.EdgeModule.Transactions;

/// <summary>What the stream shows of a pending range after its recorded cut.</summary>
public enum RangeVisibility
{
    /// <summary>None of the range's events is in the stream after the cut.</summary>
    Absent,

    /// <summary>Every event of the range is in the stream after the cut.</summary>
    Committed,

    /// <summary>Some but not all: only while the target is still making a decided commit visible (see docs/guarantees.md).</summary>
    Partial,
}

/// <summary>The outcome of one read-back: the verdict, how many events were read and how long it took.</summary>
public sealed record ReadBackResult(RangeVisibility Visibility, int Found, int Expected, long EventsRead, long BytesRead, TimeSpan Elapsed);

/// <summary>
/// Recovery read of the public-protocol coordinator: reads the stream from the cut recorded just before a range's
/// write up to the current tail, keeps the events whose <c>SensorId</c> is a routing key of the range, and matches
/// them by (<c>SensorId</c>, <c>FirstSequence</c>) against the range's queued events. The read is bounded by what
/// the whole stream received since the cut (every writer's events, as the public ReadEvents cannot filter by key)
/// and stops early once every event of the range is found.
/// </summary>
public static class RangeReadBack
{
    public static async Task<ReadBackResult> ReadAsync(GatewayClient gateway, StreamName stream, StreamCut from,
        IReadOnlyList<QueuedEvent> range, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var wanted = range.Select(e => new BatchIdentity(e.RoutingKey, e.FirstSequence)).ToHashSet();
        var keys = range.Select(e => e.RoutingKey).ToHashSet(StringComparer.Ordinal);
        var found = 0;
        long events = 0, bytes = 0;
        var tail = (await gateway.GetStreamInfoAsync(stream, ct).ConfigureAwait(false)).Tail;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await foreach (var e in gateway.ReadEventsAsync(stream, from, tail, stop.Token).ConfigureAwait(false))
        {
            events++;
            bytes += e.Data.Length;
            if (!BatchIdentity.TryRead(e.Data.Span, out var id) || !keys.Contains(id.SensorId) || !wanted.Remove(id)) continue;
            if (++found == range.Count) break;
        }
        var visibility = found == 0 ? RangeVisibility.Absent : found == range.Count ? RangeVisibility.Committed : RangeVisibility.Partial;
        return new ReadBackResult(visibility, found, range.Count, events, bytes, clock.Elapsed);
    }
}
