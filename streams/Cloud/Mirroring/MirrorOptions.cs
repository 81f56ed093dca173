using Azure.Storage;

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

    /// <summary>
    /// Blob mirror: a read-ahead batch nobody takes within this time is dropped (the source read ends and frees its
    /// gateway reader slot); the next step reads it again.
    /// </summary>
    public TimeSpan PrefetchIdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Blob mirror: the SDK's transfer options for chunk uploads. Default: a chunk up to 8 MiB is one create-only Put
    /// Blob (one round trip); a larger one (a raised <see cref="MaxBytes"/>) goes up as 4 MiB blocks, 4 in parallel.
    /// </summary>
    public StorageTransferOptions UploadTransfer { get; init; } = new()
    {
        InitialTransferSize = 8 * 1024 * 1024,
        MaximumTransferSize = 4 * 1024 * 1024,
        MaximumConcurrency = 4,
    };

    public StepProbe? Probe { get; init; }
}
