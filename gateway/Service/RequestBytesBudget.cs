using SensorStream.Gateway.Storage;

namespace SensorStream.Gateway.Service;

/// <summary>
/// Event bytes of write requests held in memory and not yet handed to a stream, across all calls
/// (<c>--max-buffered-bytes</c>): <c>WriteTransactionEvents</c> holds its whole request until it is validated,
/// a transactional <c>WriteEvents</c> up to 4 MiB between appends. A reservation over the limit is refused with
/// RESOURCE_EXHAUSTED naming the setting before the bytes are kept, and every other call keeps being served.
/// Not counted: the one message gRPC has read and not yet handed over (at most the message size limit per call).
/// </summary>
public sealed class RequestBytesBudget(long limit)
{
    private long _held;

    /// <summary>The limit in bytes.</summary>
    public long Limit => limit;

    /// <summary>Bytes reserved right now.</summary>
    public long Held => Interlocked.Read(ref _held);

    /// <summary>
    /// Reserves <paramref name="bytes"/> or throws a RESOURCE_EXHAUSTED <see cref="StoreException"/> whose message
    /// ends with <paramref name="written"/> (what of the call was written).
    /// </summary>
    public void Reserve(long bytes, string written)
    {
        var held = Interlocked.Add(ref _held, bytes);
        if (held <= limit) return;
        Interlocked.Add(ref _held, -bytes);
        throw new StoreException(StoreError.ResourceExhausted,
            $"the gateway already holds {held - bytes} bytes of write requests not yet written; {bytes} more would pass --max-buffered-bytes ({limit}); retry shortly ({written})");
    }

    /// <summary>Gives back bytes reserved earlier (written to a stream, or the call ended).</summary>
    public void Release(long bytes)
    {
        if (bytes != 0) Interlocked.Add(ref _held, -bytes);
    }
}
