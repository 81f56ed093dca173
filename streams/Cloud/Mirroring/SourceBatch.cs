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
        var batch = new Builder(options);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await foreach (var e in source.ReadEventsAsync(stream, from, tail, stop.Token).ConfigureAwait(false))
            if (!batch.TryAdd(e)) return batch.Build(hitLimit: true);
        return batch.Count == 0 ? null : batch.Build(hitLimit: false);
    }

    /// <summary>
    /// Collects events in read order up to <see cref="MirrorOptions.MaxEvents"/> and <see cref="MirrorOptions.MaxBytes"/>
    /// (the first event always fits, an event is never split).
    /// </summary>
    public sealed class Builder(MirrorOptions options)
    {
        private readonly List<ReadOnlyMemory<byte>> _events = [];
        private long _bytes;
        private StreamCut? _end;

        public int Count => _events.Count;

        /// <summary>Adds <paramref name="e"/>; false (and nothing added) when it would pass a limit.</summary>
        public bool TryAdd(StreamEvent e)
        {
            if (_events.Count > 0 && (_events.Count >= options.MaxEvents || _bytes + e.Data.Length > options.MaxBytes)) return false;
            _events.Add(e.Data);
            _bytes += e.Data.Length;
            _end = e.CutAfter;
            return true;
        }

        /// <param name="hitLimit">More events follow (the read stopped at a limit, not at its end).</param>
        public SourceBatch Build(bool hitLimit) =>
            new(_events, _bytes, _end ?? throw new InvalidOperationException("an empty batch has no end cut"), hitLimit);
    }
}
