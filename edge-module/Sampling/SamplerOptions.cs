namespace SensorStream.EdgeModule.Sampling;

/// <summary>How one sampling loop runs.</summary>
public sealed record SamplerOptions
{
    /// <summary>Samples per second, per sensor.</summary>
    public double RateHz { get; init; } = 1000;

    /// <summary>Samples per event.</summary>
    public int BatchSize { get; init; } = 1000;

    /// <summary>An open batch older than this is emitted even if not full: it bounds what a power cut can take.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Busy-wait this long before each deadline for µs precision (costs CPU; 0 = sleep only).</summary>
    public TimeSpan Spin { get; init; } = TimeSpan.Zero;

    /// <summary>SCHED_FIFO priority of the sampling thread (1–99; 0 = ordinary thread at nice −10). Ignored with <see cref="Spin"/>.</summary>
    public int RealtimePriority { get; init; } = 10;

    public long PeriodNanos => (long)Math.Round(1e9 / RateHz);

    /// <summary>A sample taken more than half a period after its deadline counts as late.</summary>
    public long LateThresholdNanos => PeriodNanos / 2;
}
