using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Streams.Protocol;

namespace SensorStream.Streams.Mirroring;

/// <summary>A bounded run of source events and the cut right after the last of them.</summary>
public sealed record SourceBatch(IReadOnlyList<ReadOnlyMemory<byte>> Events, long Bytes, StreamCut EndCut, bool HitLimit)
{
    /// <summary>
    /// Reads from <paramref name="from"/> (null = head) towards <paramref name="tail"/>, stopping at the limits.
    /// Null when there is nothing between the two.
    /// </summary>
    public static async Task<SourceBatch?> ReadAsync(GatewayClient source, StreamName stream, StreamCut? from, StreamCut tail,
        MirrorOptions options, CancellationToken ct)
    {
        var events = new List<ReadOnlyMemory<byte>>();
        long bytes = 0;
        StreamCut? end = null;
        var hitLimit = false;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await foreach (var e in source.ReadEventsAsync(stream, from, tail, stop.Token).ConfigureAwait(false))
        {
            if (events.Count > 0 && (events.Count >= options.MaxEvents || bytes + e.Data.Length > options.MaxBytes))
            {
                hitLimit = true;
                break;
            }
            events.Add(e.Data);
            bytes += e.Data.Length;
            end = e.CutAfter;
        }
        return end is null ? null : new SourceBatch(events, bytes, end, hitLimit);
    }
}
