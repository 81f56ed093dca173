using System.Buffers;
using SensorStream.Streams.Protocol;

namespace SensorStream.Streams.Client;

/// <summary>
/// Events read together (one ReadEventBatches response, or one ReadEvents event from a gateway without it), in read
/// order, with the stream cut right after the last of them: a resumable position, as <see cref="StreamEvent.CutAfter"/>.
/// <paramref name="Bytes"/> is the sum of the events' lengths. A batch read with ReadEventBatches holds its events in
/// an array rented from <see cref="ArrayPool{T}.Shared"/>: <see cref="Dispose"/> returns it once the events are no
/// longer needed (after it they must not be used); a batch never disposed is simply collected.
/// </summary>
public sealed record StreamEventBatch(IReadOnlyList<ReadOnlyMemory<byte>> Events, long Bytes, StreamCut CutAfter) : IDisposable
{
    private byte[]? _pooled;

    /// <summary>A batch whose events are slices of <paramref name="pooled"/>, rented from <see cref="ArrayPool{T}.Shared"/>.</summary>
    internal StreamEventBatch(IReadOnlyList<ReadOnlyMemory<byte>> events, long bytes, StreamCut cutAfter, byte[] pooled)
        : this(events, bytes, cutAfter) => _pooled = pooled.Length > 0 ? pooled : null;

    /// <summary>Returns the rented array to the pool (once, whoever calls it how often); the events are invalid afterwards.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _pooled, null) is { } pooled) ArrayPool<byte>.Shared.Return(pooled);
    }
}
