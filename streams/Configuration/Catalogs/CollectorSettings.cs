namespace SensorStream.Streams.Configuration.Catalogs;

/// <summary>
/// The edge collector's settings (flags, <c>SENSORSTREAM_*</c> variables, appsettings section <c>SensorStream</c>, the
/// module twin's desired properties). The collector binds them onto its settings record by key; the twin parser and
/// the CLI's <c>run</c> check with the same bounds. Adding a setting: one line here, a property of the same name.
/// </summary>
public static class CollectorSettings
{
    public const string Section = "SensorStream";
    public const string EnvPrefix = "SENSORSTREAM_";

    /// <summary>Most sensors one collector samples (each is a column set and a reader at the sampling deadline).</summary>
    public const int MaxSensors = 64;

    /// <summary>The longest an open batch waits (the twin's bound before; bounds what a power cut loses).</summary>
    private const double MaxFlushMs = 600_000;

    private static readonly Setting[] Definitions =
    [
        Setting.Url("Gateway", "--gateway", null, "gateway URL, e.g. http://127.0.0.1:5005") with { DefaultText = "(required)" },
        Setting.Text("GatewayToken", "--gateway-token", null, "bearer token sent to the gateway (prefer --gateway-token-file: a flag or variable is easier to leak)") with { Secret = true },
        Setting.Path("GatewayTokenFile", "--gateway-token-file", null, "file holding the bearer token (trimmed; read at each start); not with --gateway-token"),
        Setting.Path("GatewayCaFile", "--gateway-ca-file", null, "PEM certificate of the CA (or the self-signed certificate) to trust for an https gateway") with { DefaultText = "(system trust)" },
        Setting.Text("Scope", "--scope", null, "stream scope (created if missing)") with { DefaultText = "(required)", TwinPath = "stream" },
        Setting.Text("Stream", "--stream", null, "stream name (created if missing); the twin sets scope and stream together as scope/stream") with { DefaultText = "(required)", TwinPath = "stream" },
        Setting.Path("Db", "--db", "sensorstream-edge.db", "SQLite queue file"),
        Setting.List("Sensors", "--sensor", 1, MaxSensors, "sensor spec, repeatable (env: comma-separated): " + SensorSpecs) with { EnvVar = EnvPrefix + "SENSORS", DefaultText = "(at least one)", TwinPath = "sensors" },
        Setting.Decimal("Rate", "--rate", 1000, 1, CollectorLimits.MaxRateHz, "Hz", "samples per second per sensor") with { TwinPath = "rateHz" },
        Setting.Integer("Batch", "--batch", 1000, 1, CollectorLimits.MaxBatch, "samples", "samples per event (the widest event must fit the 8 MiB event limit, Pravega's)") with { TwinPath = "batchSize" },
        Setting.Duration("FlushInterval", "--flush-interval", "1s", 10, MaxFlushMs, "an open batch older than this is queued anyway (bounds power-cut loss)") with { TwinPath = "flushIntervalMs", TwinUnit = TimeSpan.FromMilliseconds(1) },
        Setting.Duration("Spin", "--spin", "0ms", 0, null, "busy-wait before each deadline for µs precision (CPU cost); shorter than one sampling period"),
        Setting.Integer("RealtimePriority", "--realtime-priority", 10, 0, 99, null, "SCHED_FIFO priority of the sampling thread, 1-99 (0 = nice -10 only; not used with --spin)"),
        Setting.Decimal("MaxQueueMb", "--max-queue-mb", 1024, 0.01, null, "MiB", "bound on queued event bytes (MiB, fractions allowed)") with { TwinPath = "limits/maxQueueMb" },
        Setting.Choice("QueueFull", "--queue-full", "policy", ["reject", "drop-oldest"], "policy when the queue is full: reject | drop-oldest") with { TwinPath = "limits/queueFull", Aliases = new Dictionary<string, string> { ["dropoldest"] = "drop-oldest" } },
        Setting.Integer("TxnMaxEvents", "--txn-max-events", 100, 1, 10_000, null, "most events per stream transaction"),
        Setting.Duration("TxnLease", "--txn-lease", "60s", 1000, null, "lease of a stream transaction (unpinged → aborted → rewritten)"),
        Setting.Duration("RetryMaxDelay", "--retry-max-delay", "5s", 100, null, "cap of the exponential back-off while the gateway is away"),
        Setting.Duration("OutcomeWindow", "--outcome-window", "20s", 500, null, "public gateway protocol only: a write's outcome is final this long after its range was recorded (write deadline: half of it)"),
        Setting.Duration("ShutdownTimeout", "--shutdown-timeout", "10s", null, null, "on SIGTERM, how long to keep shipping the queue before exiting"),
        Setting.Integer("MetricsPort", "--metrics-port", 0, 0, 65535, null, "Prometheus text endpoint port (http://<metrics-host>:<port>/metrics)") with { DefaultText = "0 (off)" },
        Setting.Text("MetricsHost", "--metrics-host", "localhost", "host name the metrics endpoint binds to (e.g. the container's host name)"),
        Setting.Duration("MetricsInterval", "--metrics-interval", "10s", null, null, "how often metrics are logged (0 = never)"),
        Setting.Duration("CsvStableTime", "--csv-stable-time", "5s", null, null, "a CSV file is imported once unchanged for this long"),
        Setting.Duration("CsvPollInterval", "--csv-poll-interval", "1s", 10, null, "how often CSV directories are scanned"),
        Setting.Character("CsvSeparator", "--csv-separator", ",", "CSV field separator: one character (e.g. ';' or 'tab')"),
        Setting.Character("CsvDecimalSeparator", "--csv-decimal-separator", ".", "decimal separator of CSV numbers: '.' or ',' (with --csv-separator ';')"),
        Setting.Text("CsvEncoding", "--csv-encoding", "utf-8", "text encoding of CSV files (e.g. windows-1252); bytes it does not define set the file aside"),
        Setting.Duration("HealthInterval", null, "60s", 10_000, 3_600_000, "IoT Edge only: how often the health message goes upstream") with { TwinOnly = true, TwinPath = "healthIntervalSeconds", TwinUnit = TimeSpan.FromSeconds(1) },
    ];

    /// <summary>The sensor spec forms, as help and errors show them.</summary>
    /// <summary>Every sensor kind's spec syntax, from the descriptors (<see cref="SensorKinds"/>).</summary>
    public static string SensorSpecs => SensorKinds.SyntaxList;

    /// <summary>Every collector setting.</summary>
    public static readonly SettingsGroup Group = new("collector", Section, EnvPrefix, envFromKey: false, Definitions);

    public static Setting Rate => Group["Rate"];
    public static Setting Batch => Group["Batch"];
    public static Setting Sensors => Group["Sensors"];
}
