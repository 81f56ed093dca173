namespace SensorStream.Gateway.Storage;

/// <summary>
/// A count (reads, bytes, transactions) held against a fixed limit, safe across threads: <see cref="TryTake"/> keeps an
/// amount only when the total stays within the limit, <see cref="Release"/> gives it back. Each of the gateway's resource
/// bounds (<c>--max-readers</c>, <c>--max-buffered-bytes</c>, <c>--max-open-transactions</c>) is one of these, so
/// "over the limit" is decided the same way everywhere, before the cost is paid.
/// </summary>
public sealed class CountedLimit(long limit)
{
    private long _held;

    /// <summary>The limit, in the counted unit.</summary>
    public long Limit => limit;

    /// <summary>The amount held right now.</summary>
    public long Held => Interlocked.Read(ref _held);

    /// <summary>
    /// Takes <paramref name="amount"/> if the total stays within <see cref="Limit"/>, or always with
    /// <paramref name="force"/> (e.g. transactions recovered at start-up); false, with nothing taken, otherwise.
    /// </summary>
    public bool TryTake(long amount, bool force = false)
    {
        if (Interlocked.Add(ref _held, amount) <= limit || force) return true;
        Interlocked.Add(ref _held, -amount);
        return false;
    }

    /// <summary>Gives back an amount taken earlier.</summary>
    public void Release(long amount)
    {
        if (amount != 0) Interlocked.Add(ref _held, -amount);
    }
}
