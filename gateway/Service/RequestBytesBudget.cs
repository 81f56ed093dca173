using SensorStream.Gateway.Storage;

namespace SensorStream.Gateway.Service;

/// <summary>
/// Event bytes of write requests held in memory and not yet handed to a stream, across all calls
/// (<c>--max-buffered-bytes</c>): <c>WriteTransactionEvents</c> up to 1 MiB before it journals a staged part, a
/// transactional <c>WriteEvents</c> up to 4 MiB between appends (both journal what they hold early when the budget has
/// no room). Bytes already in the journal are not counted: a request may be far larger than the budget. A reservation over the limit is refused with
/// RESOURCE_EXHAUSTED naming the setting before the bytes are kept, and every other call keeps being served.
/// Not counted: the one message gRPC has read and not yet handed over (at most the message size limit per call).
/// </summary>
public sealed class RequestBytesBudget(long limit)
{
    private readonly CountedLimit _bytes = new(limit);

    /// <summary>The limit in bytes.</summary>
    public long Limit => limit;

    /// <summary>Bytes reserved right now.</summary>
    public long Held => _bytes.Held;

    /// <summary>Reserves <paramref name="bytes"/> if they fit under the limit; false (nothing reserved) otherwise.</summary>
    public bool TryReserve(long bytes) => _bytes.TryTake(bytes);

    /// <summary>
    /// Reserves <paramref name="bytes"/> or throws a RESOURCE_EXHAUSTED <see cref="StoreException"/> whose message
    /// ends with <paramref name="written"/> (what of the call was written).
    /// </summary>
    public void Reserve(long bytes, string written)
    {
        if (TryReserve(bytes)) return;
        throw new StoreException(StoreError.ResourceExhausted,
            $"the gateway already holds {Held} bytes of write requests not yet written; {bytes} more would pass --max-buffered-bytes ({limit}); retry shortly ({written})");
    }

    /// <summary>Gives back bytes reserved earlier (written to a stream, or the call ended).</summary>
    public void Release(long bytes) => _bytes.Release(bytes);
}
