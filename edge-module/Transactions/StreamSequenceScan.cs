using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SensorStream.Streams.Client;
using SensorStream.Streams.Events;
using SensorStream.Streams.Naming;
using SensorStream.Streams.Protocol;

namespace SensorStream.EdgeModule.Transactions;

/// <summary>What <see cref="StreamSequenceScan"/> found: per sensor one past its highest sequence in the stream, and the read's cost.</summary>
/// <param name="Next">Per sensor (routing key): the sequence after the last sample of its event with the highest <c>FirstSequence</c>.</param>
/// <param name="Empty">The read's start (the head, or the cut given) and the tail cut were equal: nothing was read.</param>
/// <param name="Tail">The stream's tail cut the read ended at: every event committed before it was seen (from the start position on).</param>
public sealed record StreamSequences(IReadOnlyDictionary<string, long> Next, bool Empty, long EventsRead, long BytesRead, TimeSpan Elapsed, StreamCut Tail);

/// <summary>
/// Learns from the stream itself which sequence numbers are in use, for a collector start whose local files cannot prove
/// it (README "Queue damage"). Public-protocol calls only (GetStreamInfo, ReadEvents, FetchEvent), so it works against
/// Pravega's gateway too:
/// <list type="number">
/// <item>GetStreamInfo: equal head and tail cuts mean an empty stream — a brand-new deployment starts at once, nothing read.</item>
/// <item>ReadEvents from the head cut to the tail cut taken in 1: every event the stream holds, once. Only the leading
/// <c>SensorId</c> and <c>FirstSequence</c> of each event are parsed (<see cref="BatchIdentity"/>); per sensor the event
/// with the highest <c>FirstSequence</c> and its pointer are kept (memory: one entry per sensor). A cut can only name an
/// event boundary, so the tail cannot be read backwards: the cost is the stream's readable bytes (bounded by its
/// retention), logged every 5 s with the bytes read so far.</item>
/// <item>FetchEvent of each sensor's kept event: its sample count gives the end.</item>
/// </list>
/// Events that are not sample batches (another writer's data) are skipped. What retention or truncation already removed
/// from the stream, and a commit not yet visible when the read reaches the tail, cannot be seen (see README).
/// </summary>
public static class StreamSequenceScan
{
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Reads <paramref name="stream"/> as described above, from its head or, when <paramref name="from"/> is given, from that
    /// cut (the queue's recorded stream tail: only what was committed after it is read); gateway errors propagate (the caller retries).
    /// </summary>
    public static async Task<StreamSequences> ReadAsync(GatewayClient gateway, StreamName stream, ILogger log, CancellationToken ct, StreamCut? from = null)
    {
        var clock = Stopwatch.StartNew();
        var bounds = await gateway.GetStreamInfoAsync(stream, ct).ConfigureAwait(false);
        var start = from ?? bounds.Head;
        if (SamePosition(start, bounds.Tail)) return new StreamSequences(new Dictionary<string, long>(), true, 0, 0, clock.Elapsed, bounds.Tail);
        var highest = new Dictionary<string, (long First, EventPointer Pointer)>(StringComparer.Ordinal);
        long events = 0, bytes = 0;
        var lastLog = TimeSpan.Zero;
        await foreach (var e in gateway.ReadEventsAsync(stream, start, bounds.Tail, ct).ConfigureAwait(false))
        {
            events++;
            bytes += e.Data.Length;
            if (BatchIdentity.TryRead(e.Data.Span, out var id) && (!highest.TryGetValue(id.SensorId, out var h) || id.FirstSequence >= h.First))
                highest[id.SensorId] = (id.FirstSequence, e.Pointer);
            if (clock.Elapsed - lastLog >= ProgressEvery)
            {
                lastLog = clock.Elapsed;
                log.LogInformation("Reading {Stream} for the sequences in use: {Events} events, {Bytes} bytes read in {Seconds:F0} s ({Sensors} sensors so far)",
                    stream, events, bytes, clock.Elapsed.TotalSeconds, highest.Count);
            }
        }
        var next = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (sensor, (_, pointer)) in highest)
            next[sensor] = SampleBatchJson.Deserialize((await gateway.FetchEventAsync(stream, pointer, ct).ConfigureAwait(false)).Span).NextSequence;
        return new StreamSequences(next, false, events, bytes, clock.Elapsed, bounds.Tail);
    }

    /// <summary>Equal cuts: the same segment offsets (the protocol's map), or the same text when a gateway leaves the map empty.</summary>
    private static bool SamePosition(StreamCut head, StreamCut tail) =>
        head.Cut.Count > 0 || tail.Cut.Count > 0
            ? head.Cut.Count == tail.Cut.Count && head.Cut.All(p => tail.Cut.TryGetValue(p.Key, out var o) && o == p.Value)
            : head.Text == tail.Text;
}
