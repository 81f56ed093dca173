namespace SensorStream.EdgeModule.Sampling;

/// <summary>
/// Counters of one sensor (single writer: the thread that samples it; readers take tear-free 64-bit reads).
/// Polled sensors: a sample is <b>late</b> when read more than half a period after its deadline (it is kept, stamped with
/// its true read time); <b>missed</b> counts deadlines that passed entirely while the loop was a whole period or more
/// behind (a register read now cannot give a past value, so none is invented). Hardware-timed sensors: never late
/// (the device stamps each sample); missed counts samples absent between two kernel timestamps (a gap over 1.5 periods).
/// </summary>
public sealed class SensorStats(string sensorId)
{
    private long _samples;
    private long _late;
    private long _missed;
    private long _readErrors;
    private long _maxLatenessNanos;

    /// <summary>The sensor's id.</summary>
    public string SensorId { get; } = sensorId;

    /// <summary>Samples recorded.</summary>
    public long Samples => Volatile.Read(ref _samples);

    /// <summary>Samples read more than half a period after their deadline (polled only).</summary>
    public long Late => Volatile.Read(ref _late);

    /// <summary>Samples never taken (polled: deadlines skipped; hardware-timed: gaps in the kernel timestamps).</summary>
    public long Missed => Volatile.Read(ref _missed);

    /// <summary>Reads that failed (the device was absent or refused).</summary>
    public long ReadErrors => Volatile.Read(ref _readErrors);

    /// <summary>Largest lateness of a read after its deadline, in nanoseconds (polled only).</summary>
    public long MaxLatenessNanos => Volatile.Read(ref _maxLatenessNanos);

    internal void AddSamples(long n) => Volatile.Write(ref _samples, _samples + n);

    internal void RecordLateness(long nanos, long lateThresholdNanos)
    {
        if (nanos > lateThresholdNanos) Volatile.Write(ref _late, _late + 1);
        if (nanos > _maxLatenessNanos) Volatile.Write(ref _maxLatenessNanos, nanos);
    }

    internal void AddMissed(long n) => Volatile.Write(ref _missed, _missed + n);

    internal void AddReadError() => Volatile.Write(ref _readErrors, _readErrors + 1);
}
