using SensorStream.Streams.Events;

namespace SensorStream.Streams.Configuration.Catalogs;

/// <summary>
/// The gateway server's settings (flags, <c>GATEWAY_*</c> variables, appsettings section <c>Gateway</c>). The gateway
/// binds them onto its settings record by key. Adding a setting: one line here, a property of the same name.
/// </summary>
public static class GatewayServerSettings
{
    public const string Section = "Gateway";
    public const string EnvPrefix = "GATEWAY_";
    public const string DefaultUrls = "http://127.0.0.1:5005";

    /// <summary>
    /// The largest <c>--max-event-bytes</c> the gateway accepts (16 MiB, twice Pravega's 8 MiB event limit): no event
    /// stored by any configuration is larger, so readers bound what a record header may announce by it.
    /// </summary>
    public const int MaxEventBytesCeiling = 16 * 1024 * 1024;

    private static readonly Setting[] Definitions =
    [
        Setting.Path("DataDir", "--data-dir", ".sensorstream/gateway-data", "all scopes, streams and transactions"),
        Setting.Text("Urls", "--urls", DefaultUrls, "listen URLs, `;`-separated; http = HTTP/2 without TLS (h2c), https needs --tls-cert (also ASPNETCORE_URLS)") with { ConfigPath = "urls" },
        Setting.Path("TlsCert", "--tls-cert", null, "TLS certificate: PEM (with --tls-key) or .pfx/.p12") with { DefaultText = "— (no TLS)" },
        Setting.Path("TlsKey", "--tls-key", null, "PEM private key of --tls-cert") with { DefaultText = "—" },
        Setting.Text("TlsPassword", "--tls-password", null, "password of a .pfx or encrypted PEM key (prefer the env var)") with { DefaultText = "—", Secret = true },
        Setting.Path("AuthTokenFile", "--auth-token-file", null, "file with the bearer token every call must carry (missing/wrong → UNAUTHENTICATED; never logged)") with { DefaultText = "— (no auth)" },
        Setting.Choice("AllowSharedSecrets", "--allow-shared-secrets", "value", ["false", "true"], "true = start even when --auth-token-file or --tls-key can be read or changed by other users (logged as a warning); false = refuse (exit 2)", "false"),
        Setting.Integer("DefaultLeaseMs", "--default-lease-ms", 120_000, 1, null, "ms", "lease of a transaction begun with lease_ms = 0"),
        Setting.Integer("MaxLeaseMs", "--max-lease-ms", 604_800_000, 1, null, "ms", "longest lease a client may ask for (default 7 days)"),
        Setting.Integer("MaxEventBytes", "--max-event-bytes", SampleBatchJson.MaxEventBytes, 1, MaxEventBytesCeiling, "bytes", "largest event accepted (Pravega's 8 MiB limit); larger → INVALID_ARGUMENT naming what of the call was written"),
        Setting.Integer("RetentionIntervalMs", "--retention-interval-ms", 10_000, 1, null, "ms", "how often retention policies are applied"),
        Setting.Integer("MaintenanceIntervalMs", "--maintenance-interval-ms", 100, 1, 60_000, "ms", "how often expired leases are aborted and due checkpoints taken"),
        Setting.Integer("MaxOpenTransactionsPerStream", "--max-open-transactions-per-stream", 10_000, 1, int.MaxValue, null, "most open transactions one stream may have; BeginTransaction over it → RESOURCE_EXHAUSTED naming the flag (WriteEvents' own transactions, which end with their call, are not counted)"),
        Setting.Integer("MaxOpenTransactions", "--max-open-transactions", 50_000, 1, int.MaxValue, null, "the same across all streams of the gateway"),
        Setting.Integer("MaxOpenSegmentFiles", "--max-open-segment-files", 4096, 16, 1_000_000, null, "segment files held open; they open on use and the least recently used idle ones close (a soft cap: files in use stay open); lowered at start, with one warning, to fit the soft ulimit -n minus the descriptors already open, 2 per stream and 256 more"),
        Setting.Integer("MaxBufferedBytes", "--max-buffered-bytes", 1L << 30, 1, null, "bytes", "most event bytes of write requests held in memory across all calls before they are written; a write over it → RESOURCE_EXHAUSTED naming the flag"),
        Setting.Integer("MaxReaders", "--max-readers", 1024, 1, 1_000_000, null, "most ReadEvents/ReadEventBatches/BatchReadEvents calls in progress across the gateway (a tailing reader holds one while open); one more → RESOURCE_EXHAUSTED naming the flag"),
        Setting.Integer("CheckpointIntervalMs", "--checkpoint-interval-ms", 2000, 1, null, "ms", "longest time merged data waits for its segment fsync (it is already durable in the journal)"),
        Setting.Integer("WatermarkWriterTimeoutMs", "--watermark-writer-timeout-ms", 300_000, 1, null, "ms", "a writer that reported no event time for this long stops holding its stream's watermark back (Pravega's writer timeout)"),
        Setting.Choice("Protocol", "--protocol", "protocol", ["extended", "public"], "extended = every RPC; public = only what the public pravega-grpc-gateway serves (transaction RPCs, NoteTime and ListScopes answer UNIMPLEMENTED)"),
    ];

    /// <summary>Every gateway setting.</summary>
    public static readonly SettingsGroup Group = new("gateway", Section, EnvPrefix, envFromKey: false, Definitions);
}
