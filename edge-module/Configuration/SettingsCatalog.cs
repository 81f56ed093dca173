using System.Globalization;
using SensorStream.EdgeModule.Queue;
using SensorStream.EdgeModule.Sensors;
using SensorStream.Streams.Configuration;

namespace SensorStream.EdgeModule.Configuration;

/// <summary>Every setting with its flag, environment variable, appsettings key and default: the single source for parsing, errors and the README.</summary>
public static class SettingsCatalog
{
    public const string EnvPrefix = "SENSORSTREAM_";

    public static readonly IReadOnlyList<SettingDefinition> All =
    [
        Text("Gateway", "--gateway", "(required)", "gateway URL, e.g. http://127.0.0.1:5005", (s, v) => s with { Gateway = ParseUri(v) }),
        Text("GatewayToken", "--gateway-token", "(none)", "bearer token sent to the gateway (prefer --gateway-token-file: a flag or variable is easier to leak)", (s, v) => s with { GatewayToken = v }),
        Text("GatewayTokenFile", "--gateway-token-file", "(none)", "file holding the bearer token (trimmed; read at each start); not with --gateway-token", (s, v) => s with { GatewayTokenFile = v }),
        Text("GatewayCaFile", "--gateway-ca-file", "(system trust)", "PEM certificate of the CA (or the self-signed certificate) to trust for an https gateway", (s, v) => s with { GatewayCaFile = v }),
        Text("Scope", "--scope", "(required)", "stream scope (created if missing)", (s, v) => s with { Scope = v }),
        Text("Stream", "--stream", "(required)", "stream name (created if missing)", (s, v) => s with { Stream = v }),
        Text("Db", "--db", "sensorstream-edge.db", "SQLite queue file", (s, v) => s with { Db = v }),
        new("Sensors", "--sensor", EnvPrefix + "SENSORS", "(at least one)",
            "sensor spec, repeatable (env: comma-separated): " + SensorKinds.SyntaxList,
            IsList: true, (s, v) => s with { Sensors = v.Select(SensorSpec.Parse).ToArray() }),
        Text("Rate", "--rate", "1000", "samples per second per sensor", (s, v) => s with { Rate = ParseDouble(v) }),
        Text("Batch", "--batch", "1000", "samples per event", (s, v) => s with { Batch = ParseInt(v) }),
        Text("FlushInterval", "--flush-interval", "1s", "an open batch older than this is queued anyway (bounds power-cut loss)", (s, v) => s with { FlushInterval = ParseDuration(v) }),
        Text("Spin", "--spin", "0ms", "busy-wait before each deadline for µs precision (CPU cost)", (s, v) => s with { Spin = ParseDuration(v) }),
        Text("RealtimePriority", "--realtime-priority", "10", "SCHED_FIFO priority of the sampling thread, 1-99 (0 = nice -10 only; not used with --spin)", (s, v) => s with { RealtimePriority = ParseInt(v) }),
        Text("MaxQueueMb", "--max-queue-mb", "1024", "bound on queued event bytes (MiB, fractions allowed)", (s, v) => s with { MaxQueueMb = ParseDouble(v) }),
        Text("QueueFull", "--queue-full", "reject", "policy when the queue is full: reject | drop-oldest", (s, v) => s with { QueueFull = ParsePolicy(v) }),
        Text("TxnMaxEvents", "--txn-max-events", "100", "most events per stream transaction", (s, v) => s with { TxnMaxEvents = ParseInt(v) }),
        Text("TxnLease", "--txn-lease", "60s", "lease of a stream transaction (unpinged → aborted → rewritten)", (s, v) => s with { TxnLease = ParseDuration(v) }),
        Text("RetryMaxDelay", "--retry-max-delay", "5s", "cap of the exponential back-off while the gateway is away", (s, v) => s with { RetryMaxDelay = ParseDuration(v) }),
        Text("OutcomeWindow", "--outcome-window", "20s", "public gateway protocol only: a write's outcome is final this long after its range was recorded (write deadline: half of it)", (s, v) => s with { OutcomeWindow = ParseDuration(v) }),
        Text("ShutdownTimeout", "--shutdown-timeout", "10s", "on SIGTERM, how long to keep shipping the queue before exiting", (s, v) => s with { ShutdownTimeout = ParseDuration(v) }),
        Text("MetricsPort", "--metrics-port", "0 (off)", "Prometheus text endpoint port (http://<metrics-host>:<port>/metrics)", (s, v) => s with { MetricsPort = ParseInt(v) }),
        Text("MetricsHost", "--metrics-host", "localhost", "host name the metrics endpoint binds to (e.g. the container's host name)", (s, v) => s with { MetricsHost = v }),
        Text("MetricsInterval", "--metrics-interval", "10s", "how often metrics are logged (0 = never)", (s, v) => s with { MetricsInterval = ParseDuration(v) }),
        Text("CsvStableTime", "--csv-stable-time", "5s", "a CSV file is imported once unchanged for this long", (s, v) => s with { CsvStableTime = ParseDuration(v) }),
        Text("CsvPollInterval", "--csv-poll-interval", "1s", "how often CSV directories are scanned", (s, v) => s with { CsvPollInterval = ParseDuration(v) }),
        Text("CsvSeparator", "--csv-separator", ",", "CSV field separator: one character (e.g. ';' or 'tab')", (s, v) => s with { CsvSeparator = ParseSeparator(v) }),
        Text("CsvDecimalSeparator", "--csv-decimal-separator", ".", "decimal separator of CSV numbers: '.' or ',' (with --csv-separator ';')", (s, v) => s with { CsvDecimalSeparator = ParseSeparator(v) }),
        Text("CsvEncoding", "--csv-encoding", "utf-8", "text encoding of CSV files (e.g. windows-1252); bytes it does not define set the file aside", (s, v) => s with { CsvEncoding = ParseEncoding(v) }),
    ];

    public static SettingDefinition ByKey(string key) => All.Single(d => d.Key == key);

    private static SettingDefinition Text(string key, string flag, string @default, string description, Func<EdgeSettings, string, EdgeSettings> apply) =>
        new(key, flag, EnvPrefix + string.Concat(flag[2..].Select(c => c == '-' ? '_' : char.ToUpperInvariant(c))), @default, description,
            IsList: false, (s, values) => apply(s, values[^1]));

    private static Uri ParseUri(string v) =>
        Uri.TryCreate(v, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri : throw new FormatException($"'{v}' is not an http:// or https:// URL");

    private static double ParseDouble(string v) =>
        double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : throw new FormatException($"'{v}' is not a number");

    private static int ParseInt(string v) =>
        int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : throw new FormatException($"'{v}' is not an integer");

    private static TimeSpan ParseDuration(string v) =>
        DurationText.TryParse(v, TimeSpan.FromMilliseconds(1), out var t) && t <= DurationText.TimerLimit
            ? t : throw new FormatException($"'{v}' is not a duration of at most 24 days (e.g. 250ms, 2s, 1m)");

    private static char ParseSeparator(string v) =>
        v == "tab" || v == "\\t" ? '\t' : v.Length == 1 ? v[0] : throw new FormatException($"'{v}' is not one character (or 'tab')");

    private static string ParseEncoding(string v)
    {
        try
        {
            return Import.CsvDialect.Strict(v).WebName;
        }
        catch (ArgumentException e)
        {
            throw new FormatException(e.Message);
        }
    }

    private static QueueFullPolicy ParsePolicy(string v) => v.Trim().ToLowerInvariant() switch
    {
        "reject" => QueueFullPolicy.Reject,
        "drop-oldest" or "dropoldest" => QueueFullPolicy.DropOldest,
        _ => throw new FormatException($"'{v}' is not a policy: use reject or drop-oldest"),
    };
}
