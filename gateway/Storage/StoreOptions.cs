using SensorStream.Streams.Events;

namespace SensorStream.Gateway.Storage;

/// <summary>Tunables of the store (the server fills them from its settings).</summary>
public sealed record StoreOptions
{
    public required string DataDirectory { get; init; }

    /// <summary>Lease of a transaction begun with lease_ms = 0.</summary>
    public long DefaultLeaseMs { get; init; } = 120_000;

    /// <summary>Longest lease a client may ask for.</summary>
    public long MaxLeaseMs { get; init; } = 7L * 24 * 3600 * 1000;

    /// <summary>Largest event accepted: 8 MiB, Pravega's event limit (the public pravega-grpc-gateway hands events to Pravega).</summary>
    public int MaxEventBytes { get; init; } = SampleBatchJson.MaxEventBytes;

    /// <summary>Checkpoint (fsync segments, let go of merged transaction files) after this many merged bytes…</summary>
    public long CheckpointBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>…or this long after the first merge since the last checkpoint.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A journal file rolls over at about this size; whole files are deleted once nothing in them is needed.</summary>
    public long JournalFileBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>How long the status of an aborted transaction is remembered in memory (committed ones are kept on disk).</summary>
    public TimeSpan AbortedStatusMemory { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Most open transactions one stream may have (each holds its journal files and some memory).</summary>
    public int MaxOpenTransactionsPerStream { get; init; } = 10_000;

    /// <summary>Most open transactions across the gateway.</summary>
    public int MaxOpenTransactions { get; init; } = 50_000;

    /// <summary>Most segment files held open across the gateway (opened on use, least recently used idle ones closed).</summary>
    public int MaxOpenSegmentFiles { get; init; } = 4096;

    /// <summary>When rate-scaled streams decide to scale (measurement window, holds, cooldown).</summary>
    public AutoScalingOptions AutoScaling { get; init; } = new();

    /// <summary>Milliseconds since the Unix epoch; replaceable in tests.</summary>
    public Func<long> Clock { get; init; } = () => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
