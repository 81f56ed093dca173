namespace SensorStream.EdgeModule.Sampling;

/// <summary>
/// Counters of the sampling loop itself (single writer: the sampling thread): its deadlines and how late it woke.
/// Samples and read errors are counted per sensor only (<see cref="SensorStats"/>; totals are their sums).
/// </summary>
public sealed class SamplerStats
{
    private long _ticks;
    private long _late;
    private long _missed;
    private long _samplesLastSecond;

    public LatencyHistogram Lateness { get; } = new();

    /// <summary>Deadlines served (each reads every sensor once).</summary>
    public long Ticks => Volatile.Read(ref _ticks);

    /// <summary>Ticks served more than half a period after their deadline.</summary>
    public long LateTicks => Volatile.Read(ref _late);

    /// <summary>Deadlines skipped because the loop was a whole period or more behind (every sensor misses each of them).</summary>
    public long MissedTicks => Volatile.Read(ref _missed);

    /// <summary>Samples recorded in the last complete second.</summary>
    public long SamplesLastSecond => Volatile.Read(ref _samplesLastSecond);

    internal void AddTick() => Volatile.Write(ref _ticks, _ticks + 1);
    internal void AddLate() => Volatile.Write(ref _late, _late + 1);
    internal void AddMissed(long n) => Volatile.Write(ref _missed, _missed + n);
    internal void SetSamplesLastSecond(long n) => Volatile.Write(ref _samplesLastSecond, n);
}
