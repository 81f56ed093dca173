using SensorStream.Streams.Events;

namespace SensorStream.Gateway.Hosting;

/// <summary>Everything the gateway server is configured with (flags, env vars, bounds and defaults: <see cref="Streams.Configuration.Catalogs.GatewayServerSettings"/>; property names are the setting keys).</summary>
public sealed record GatewaySettings
{
    public required string DataDir { get; init; }

    /// <summary>Semicolon-separated listen URLs; http = HTTP/2 without TLS (h2c), https needs <see cref="TlsCert"/>.</summary>
    public string Urls { get; init; } = SettingsCatalog.DefaultUrls;

    /// <summary>PEM certificate (with <see cref="TlsKey"/>) or a PKCS#12 (.pfx/.p12) file.</summary>
    public string? TlsCert { get; init; }
    public string? TlsKey { get; init; }
    public string? TlsPassword { get; init; }

    /// <summary>File holding the bearer token every call must carry; none = no authentication.</summary>
    public string? AuthTokenFile { get; init; }

    /// <summary>
    /// Start even when the token file or TLS key can be read or changed by other users (a knowingly shared file, e.g. a
    /// read-only bind mount): then only a warning is logged. False (the default) refuses such a start.
    /// </summary>
    public bool AllowSharedSecrets { get; init; }

    public long DefaultLeaseMs { get; init; } = 120_000;
    public long MaxLeaseMs { get; init; } = 7L * 24 * 3600 * 1000;
    /// <summary>Largest event accepted: 8 MiB, Pravega's event limit (and the public gateway's, which hands events to Pravega).</summary>
    public int MaxEventBytes { get; init; } = SampleBatchJson.MaxEventBytes;
    public long RetentionIntervalMs { get; init; } = 10_000;
    public long MaintenanceIntervalMs { get; init; } = 100;
    public long CheckpointIntervalMs { get; init; } = 2_000;

    /// <summary>Public = only the public pravega-grpc-gateway RPCs (extensions answer UNIMPLEMENTED); extended (default) = all.</summary>
    public GatewayProtocol Protocol { get; init; } = GatewayProtocol.Extended;
    /// <summary>Most open transactions per stream, and across the gateway (BeginTransaction over either → RESOURCE_EXHAUSTED).</summary>
    public int MaxOpenTransactionsPerStream { get; init; } = 10_000;
    public int MaxOpenTransactions { get; init; } = 50_000;

    /// <summary>Most event bytes of write requests held in memory across all calls before they are written (RESOURCE_EXHAUSTED beyond).</summary>
    public long MaxBufferedBytes { get; init; } = 1L << 30;

    /// <summary>Most <c>ReadEvents</c>/<c>BatchReadEvents</c> calls in progress across the gateway (RESOURCE_EXHAUSTED beyond).</summary>
    public int MaxReaders { get; init; } = 1024;

    /// <summary>Most segment files held open across the gateway (opened on use, idle ones closed).</summary>
    public int MaxOpenSegmentFiles { get; init; } = 4096;

    /// <summary>A writer silent this long stops holding its stream's watermark back (see <see cref="Watermarks.WatermarkOptions.WriterTimeout"/>).</summary>
    public long WatermarkWriterTimeoutMs { get; init; } = 300_000;
}
