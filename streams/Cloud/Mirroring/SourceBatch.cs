using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Streams.Protocol;

namespace SensorStream.Streams.Mirroring;

/// <summary>
/// A bounded run of source events and the cut right after the last of them. <see cref="Dispose"/> returns the pooled
/// arrays of the reads the events are slices of (<see cref="StreamEventBatch.Dispose"/>); the events are invalid after it.
/// </summary>
public sealed record SourceBatch(IReadOnlyList<ReadOnlyMemory<byte>> Events, long Bytes, StreamCut EndCut, bool HitLimit) : IDisposable
{
    /// <summary>The reads that hold the events' bytes.</summary>
    public IReadOnlyList<StreamEventBatch> Reads { get; init; } = [];

    /// <summary>Returns the reads' pooled arrays (safe to call more than once).</summary>
    public void Dispose()
    {
        foreach (var read in Reads) read.Dispose();
    }

    /// <summary>
    /// Reads from <paramref name="from"/> (null = head) towards <paramref name="tail"/>, stopping at the limits.
    /// Null when there is nothing between the two.
    /// </summary>
    public static async Task<SourceBatch?> ReadAsync(GatewayClient source, StreamName stream, StreamCut? from, StreamCut tail,
        MirrorOptions options, CancellationToken ct)
    {
        var batch = new Builder(options);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await foreach (var read in Read(source, stream, from, tail, options, stop.Token).ConfigureAwait(false))
            if (!batch.TryAdd(read)) return batch.Build(hitLimit: true);
        return batch.Count == 0 ? null : batch.Build(hitLimit: false);
    }

    /// <summary>
    /// The source read of a mirror: ReadEventBatches with responses as large as one batch (so a response is a batch,
    /// one message and one cut instead of one per event), ReadEvents from a gateway without it.
    /// </summary>
    public static IAsyncEnumerable<StreamEventBatch> Read(GatewayClient source, StreamName stream, StreamCut? from, StreamCut tail,
        MirrorOptions options, CancellationToken ct) =>
        source.ReadEventBatchesAsync(stream, from, tail, options.MaxEvents, (int)Math.Min(options.MaxBytes, int.MaxValue), ct);

    /// <summary>
    /// Collects events in read order up to <see cref="MirrorOptions.MaxEvents"/> and <see cref="MirrorOptions.MaxBytes"/>,
    /// a read batch at a time (the first batch always fits; a batch, hence an event, is never split: the batch's cut is
    /// the only position known inside it).
    /// </summary>
    public sealed class Builder(MirrorOptions options)
    {
        private readonly List<ReadOnlyMemory<byte>> _events = [];
        private readonly List<StreamEventBatch> _reads = [];
        private long _bytes;
        private StreamCut? _end;

        public int Count => _events.Count;

        /// <summary>Adds <paramref name="read"/>'s events; false (and nothing added) when they would pass a limit.</summary>
        public bool TryAdd(StreamEventBatch read)
        {
            if (_events.Count > 0 && (_events.Count + read.Events.Count > options.MaxEvents || _bytes + read.Bytes > options.MaxBytes)) return false;
            _events.AddRange(read.Events);
            _reads.Add(read);
            _bytes += read.Bytes;
            _end = read.CutAfter;
            return true;
        }

        /// <param name="hitLimit">More events follow (the read stopped at a limit, not at its end).</param>
        public SourceBatch Build(bool hitLimit) =>
            new(_events, _bytes, _end ?? throw new InvalidOperationException("an empty batch has no end cut"), hitLimit) { Reads = _reads };
    }
}
