using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace SensorStream.Gateway.Hosting;

/// <summary>
/// The gateway's settings: each has a command-line flag, an environment variable and a key in appsettings.json
/// (section <c>Gateway</c>). Precedence: command line, then environment, then appsettings.json, then the default.
/// </summary>
public static class SettingsCatalog
{
    public const string DefaultUrls = "http://127.0.0.1:5005";

    /// <summary>One setting: flag, environment variable, configuration key, default (null = none), meaning.</summary>
    public sealed record Setting(string Flag, string Env, string Key, string? Default, string Help);

    public static readonly IReadOnlyList<Setting> All =
    [
        new("--data-dir", "GATEWAY_DATA_DIR", "Gateway:DataDir", ".sensorstream/gateway-data", "directory of all scopes, streams and transactions"),
        new("--urls", "GATEWAY_URLS", "urls", DefaultUrls, "listen URLs, ';'-separated; http = HTTP/2 without TLS (h2c), https needs --tls-cert"),
        new("--tls-cert", "GATEWAY_TLS_CERT", "Gateway:TlsCert", null, "TLS certificate: PEM (with --tls-key) or .pfx/.p12"),
        new("--tls-key", "GATEWAY_TLS_KEY", "Gateway:TlsKey", null, "PEM private key of --tls-cert"),
        new("--tls-password", "GATEWAY_TLS_PASSWORD", "Gateway:TlsPassword", null, "password of a .pfx or encrypted PEM key (prefer the env var)"),
        new("--auth-token-file", "GATEWAY_AUTH_TOKEN_FILE", "Gateway:AuthTokenFile", null, "file with the bearer token every call must carry; unset = no authentication"),
        new("--allow-shared-secrets", "GATEWAY_ALLOW_SHARED_SECRETS", "Gateway:AllowSharedSecrets", "false", "true = start even when --auth-token-file or --tls-key can be read or changed by other users (logged as a warning); false = refuse (exit 2)"),
        new("--default-lease-ms", "GATEWAY_DEFAULT_LEASE_MS", "Gateway:DefaultLeaseMs", "120000", "lease of a transaction begun with lease_ms = 0"),
        new("--max-lease-ms", "GATEWAY_MAX_LEASE_MS", "Gateway:MaxLeaseMs", "604800000", "longest lease a client may ask for"),
        new("--max-event-bytes", "GATEWAY_MAX_EVENT_BYTES", "Gateway:MaxEventBytes", "8388608", "largest event accepted (Pravega's limit)"),
        new("--retention-interval-ms", "GATEWAY_RETENTION_INTERVAL_MS", "Gateway:RetentionIntervalMs", "10000", "how often retention policies are applied"),
        new("--maintenance-interval-ms", "GATEWAY_MAINTENANCE_INTERVAL_MS", "Gateway:MaintenanceIntervalMs", "100", "how often expired leases are aborted and due checkpoints taken"),
        new("--max-open-transactions-per-stream", "GATEWAY_MAX_OPEN_TRANSACTIONS_PER_STREAM", "Gateway:MaxOpenTransactionsPerStream", "10000", "most open transactions one stream may have; BeginTransaction over it is RESOURCE_EXHAUSTED"),
        new("--max-open-transactions", "GATEWAY_MAX_OPEN_TRANSACTIONS", "Gateway:MaxOpenTransactions", "50000", "most open transactions across the gateway; BeginTransaction over it is RESOURCE_EXHAUSTED"),
        new("--max-open-segment-files", "GATEWAY_MAX_OPEN_SEGMENT_FILES", "Gateway:MaxOpenSegmentFiles", "4096", "most segment files held open; they open on use and the least recently used idle ones close"),
        new("--max-buffered-bytes", "GATEWAY_MAX_BUFFERED_BYTES", "Gateway:MaxBufferedBytes", "1073741824", "most event bytes of write requests held in memory across all calls before they are written; a write over it is RESOURCE_EXHAUSTED"),
        new("--checkpoint-interval-ms", "GATEWAY_CHECKPOINT_INTERVAL_MS", "Gateway:CheckpointIntervalMs", "2000", "longest time merged data waits for its segment fsync (it is already durable in the commit log and transaction files)"),
        new("--watermark-writer-timeout-ms", "GATEWAY_WATERMARK_WRITER_TIMEOUT_MS", "Gateway:WatermarkWriterTimeoutMs", "300000", "a writer that reported no event time for this long stops holding its stream's watermark back"),
        new("--protocol", "GATEWAY_PROTOCOL", "Gateway:Protocol", "extended", "extended = all RPCs; public = like the public pravega-grpc-gateway (transaction RPCs and ListScopes answer UNIMPLEMENTED)"),
    ];

    /// <summary>Flags ASP.NET Core itself understands, accepted on the command line as they are.</summary>
    private static readonly string[] HostFlags = ["--environment", "--contentRoot", "--applicationName"];

    /// <summary>Command-line switch → configuration key, for <c>AddCommandLine</c>.</summary>
    public static Dictionary<string, string> SwitchMappings() => All.ToDictionary(s => s.Flag, s => s.Key);

    /// <summary>Values of the GATEWAY_* environment variables, keyed like the configuration.</summary>
    public static Dictionary<string, string?> FromEnvironment() =>
        All.Select(s => (s.Key, Value: Environment.GetEnvironmentVariable(s.Env)))
           .Where(p => p.Value is not null)
           .ToDictionary(p => p.Key, p => p.Value);

    /// <summary>Refuses unknown flags and flags without a value (a typo must not silently fall back to a default).</summary>
    public static void CheckArguments(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal)) continue;
            var name = arg.Split('=', 2)[0];
            var known = All.Any(s => s.Flag == name) || HostFlags.Contains(name, StringComparer.OrdinalIgnoreCase) || name.Contains(':');
            if (!known)
                throw new ConfigurationError($"unknown option {name} (known: {string.Join(", ", All.Select(s => s.Flag))})");
            if (!arg.Contains('=') && (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal)))
                throw new ConfigurationError($"option {name} needs a value");
            if (!arg.Contains('=')) i++;
        }
    }

    public static GatewaySettings Read(IConfiguration config)
    {
        var dataDir = Text(config, "--data-dir")!;
        var settings = new GatewaySettings
        {
            DataDir = Path.GetFullPath(dataDir),
            Urls = Text(config, "--urls")!,
            TlsCert = ExistingFile(config, "--tls-cert"),
            TlsKey = ExistingFile(config, "--tls-key"),
            TlsPassword = Text(config, "--tls-password"),
            AuthTokenFile = ExistingFile(config, "--auth-token-file"),
            AllowSharedSecrets = Flag(config, "--allow-shared-secrets"),
            DefaultLeaseMs = Number(config, "--default-lease-ms", 1, long.MaxValue),
            MaxLeaseMs = Number(config, "--max-lease-ms", 1, long.MaxValue),
            MaxEventBytes = (int)Number(config, "--max-event-bytes", 1, 16 * 1024 * 1024),
            RetentionIntervalMs = Number(config, "--retention-interval-ms", 1, long.MaxValue),
            MaintenanceIntervalMs = Number(config, "--maintenance-interval-ms", 1, 60_000),
            CheckpointIntervalMs = Number(config, "--checkpoint-interval-ms", 1, long.MaxValue),
            Protocol = Protocol(config),
            WatermarkWriterTimeoutMs = Number(config, "--watermark-writer-timeout-ms", 1, long.MaxValue),
            MaxOpenTransactionsPerStream = (int)Number(config, "--max-open-transactions-per-stream", 1, int.MaxValue),
            MaxOpenTransactions = (int)Number(config, "--max-open-transactions", 1, int.MaxValue),
            MaxOpenSegmentFiles = (int)Number(config, "--max-open-segment-files", 16, 1_000_000),
            MaxBufferedBytes = Number(config, "--max-buffered-bytes", 1, long.MaxValue),
        };
        Check(settings);
        return settings;
    }

    /// <summary>Cross-setting rules; also applied to settings built in code (tests, in-process servers).</summary>
    public static void Check(GatewaySettings settings)
    {
        if (settings.DefaultLeaseMs > settings.MaxLeaseMs)
            throw Bad("--default-lease-ms", $"{settings.DefaultLeaseMs} is larger than --max-lease-ms ({settings.MaxLeaseMs})");
        if (settings.TlsKey is not null && settings.TlsCert is null)
            throw Bad("--tls-key", "is set but --tls-cert is not");
        var urls = settings.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (urls.Length == 0) throw Bad("--urls", "is empty");
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url.Replace("*", "0.0.0.0").Replace("+", "0.0.0.0"), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw Bad("--urls", $"'{url}' is not an http:// or https:// URL");
            if (uri.Scheme == "https" && settings.TlsCert is null)
                throw Bad("--urls", $"'{url}' is https but no certificate is configured (--tls-cert)");
        }
        if (settings.TlsCert is not null && urls.All(u => !u.StartsWith("https", StringComparison.OrdinalIgnoreCase)))
            throw Bad("--tls-cert", "is set but no --urls entry is https://");
        if (settings.AuthTokenFile is not null && File.ReadAllText(settings.AuthTokenFile).Trim().Length == 0)
            throw Bad("--auth-token-file", $"'{settings.AuthTokenFile}' is empty");
        if (!settings.AllowSharedSecrets)
            foreach (var (flag, problem) in SecurityWarnings.SharedSecretFiles(settings))
                throw Bad(flag, $"{problem}, or start with --allow-shared-secrets true to accept it (then only a warning is logged)");
    }

    private static Setting Find(string flag) => All.First(s => s.Flag == flag);

    private static ConfigurationError Bad(string flag, string what)
    {
        var s = Find(flag);
        return new ConfigurationError($"setting {s.Flag} ({s.Env}): {what}");
    }

    private static string? Text(IConfiguration config, string flag)
    {
        var s = Find(flag);
        var value = config[s.Key];
        return string.IsNullOrWhiteSpace(value) ? s.Default : value.Trim();
    }

    private static string? ExistingFile(IConfiguration config, string flag)
    {
        var value = Text(config, flag);
        if (value is null) return null;
        var full = Path.GetFullPath(value);
        if (!File.Exists(full)) throw Bad(flag, $"file '{full}' does not exist");
        return full;
    }

    private static GatewayProtocol Protocol(IConfiguration config)
    {
        var text = Text(config, "--protocol")!;
        return text.ToLowerInvariant() switch
        {
            "extended" => GatewayProtocol.Extended,
            "public" => GatewayProtocol.Public,
            _ => throw Bad("--protocol", $"'{text}' is not a protocol (known: extended, public)"),
        };
    }

    private static bool Flag(IConfiguration config, string flag)
    {
        var text = Text(config, flag)!;
        return bool.TryParse(text, out var value) ? value : throw Bad(flag, $"'{text}' is not true or false");
    }

    private static long Number(IConfiguration config, string flag, long min, long max)
    {
        var text = Text(config, flag)!;
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            throw Bad(flag, $"'{text}' is not a whole number");
        if (value < min || value > max) throw Bad(flag, $"{value} is out of range ({min}..{max})");
        return value;
    }
}
