namespace SensorStream.EdgeModule.Sampling;

/// <summary>
/// Lateness histogram with 1 µs buckets up to 2 ms and 100 µs buckets up to 100 ms (beyond: the last bucket).
/// One writer (the sampling thread); readers take racy but tear-free 64-bit reads, which is all a metric needs.
/// </summary>
public sealed class LatencyHistogram
{
    private const int FineBuckets = 2000;          // 0..1999 µs by 1 µs
    private const int CoarseBuckets = 981;         // 2 ms..100 ms by 100 µs
    private readonly long[] _counts = new long[FineBuckets + CoarseBuckets];
    private long _count;
    private long _maxNanos;

    public long Count => Volatile.Read(ref _count);

    public long MaxNanos => Volatile.Read(ref _maxNanos);

    public void Record(long nanos)
    {
        if (nanos < 0) nanos = 0;
        var micros = nanos / 1000;
        var bucket = micros < FineBuckets ? micros : Math.Min(FineBuckets + (micros - FineBuckets) / 100, _counts.Length - 1);
        _counts[bucket]++;
        Volatile.Write(ref _count, _count + 1);
        if (nanos > _maxNanos) Volatile.Write(ref _maxNanos, nanos);
    }

    /// <summary>Upper bound (ns) of the bucket holding quantile <paramref name="q"/> (0..1), at most the maximum; 0 when empty.</summary>
    public long QuantileNanos(double q)
    {
        var total = Count;
        if (total == 0) return 0;
        var rank = (long)Math.Ceiling(q * total);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Volatile.Read(ref _counts[i]);
            if (seen >= rank) return Math.Min(BucketUpperNanos(i), MaxNanos);
        }
        return MaxNanos;
    }

    private static long BucketUpperNanos(int bucket) =>
        bucket < FineBuckets ? (bucket + 1) * 1000L : (FineBuckets + (bucket - FineBuckets + 1) * 100L) * 1000L;
}
