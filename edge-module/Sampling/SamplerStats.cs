namespace SensorStream.EdgeModule.Sampling;

/// <summary>Counters one sampling loop keeps (single writer: the sampling thread).</summary>
public sealed class SamplerStats
{
    private long _samples;
    private long _ticks;
    private long _late;
    private long _missed;
    private long _readErrors;
    private long _samplesLastSecond;

    public LatencyHistogram Lateness { get; } = new();

    /// <summary>Samples recorded, all sensors.</summary>
    public long Samples => Volatile.Read(ref _samples);

    /// <summary>Deadlines served (each reads every sensor once).</summary>
    public long Ticks => Volatile.Read(ref _ticks);

    /// <summary>Ticks served more than half a period after their deadline.</summary>
    public long LateTicks => Volatile.Read(ref _late);

    /// <summary>Deadlines skipped because the loop was a whole period or more behind (per sensor, samples not taken).</summary>
    public long MissedTicks => Volatile.Read(ref _missed);

    public long ReadErrors => Volatile.Read(ref _readErrors);

    /// <summary>Samples recorded in the last complete second.</summary>
    public long SamplesLastSecond => Volatile.Read(ref _samplesLastSecond);

    internal void AddSamples(long n) => Volatile.Write(ref _samples, _samples + n);
    internal void AddTick() => Volatile.Write(ref _ticks, _ticks + 1);
    internal void AddLate() => Volatile.Write(ref _late, _late + 1);
    internal void AddMissed(long n) => Volatile.Write(ref _missed, _missed + n);
    internal void AddReadError() => Volatile.Write(ref _readErrors, _readErrors + 1);
    internal void SetSamplesLastSecond(long n) => Volatile.Write(ref _samplesLastSecond, n);
}
