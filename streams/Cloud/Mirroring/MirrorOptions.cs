namespace SensorStream.Streams.Mirroring;

/// <summary>Bounds of one mirror step (one chunk or one target transaction).</summary>
public sealed record MirrorOptions
{
    /// <summary>At most this many events per step.</summary>
    public int MaxEvents { get; init; } = 10_000;

    /// <summary>At most this many event bytes per step (an event is never split; the first one always fits).</summary>
    public long MaxBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Lease of the target transaction of a gateway → gateway mirror.</summary>
    public TimeSpan TransactionLease { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Public-protocol target only: a write's outcome is final this long after it was recorded (its call's deadline is
    /// half of it); a recovery that finds none of it on the target writes it again only after the window.
    /// </summary>
    public TimeSpan OutcomeWindow { get; init; } = TimeSpan.FromSeconds(20);

    public StepProbe? Probe { get; init; }
}
