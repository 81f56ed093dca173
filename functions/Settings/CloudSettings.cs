using System.Globalization;
using Microsoft.Extensions.Configuration;
using SensorStream.Streams.Exporting;
using SensorStream.Streams.Mirroring;
using SensorStream.Streams.Naming;

namespace SensorStream.Functions.Settings;

/// <summary>
/// The app settings (environment variables in Azure, <c>local.settings.json</c> "Values" locally), parsed once.
/// Names are the ones the Functions host uses, so the same file drives <c>func start</c> and the local host.
/// </summary>
public sealed record CloudSettings
{
    public const string DefaultSchedule = "*/10 * * * * *";

    /// <summary><c>AzureWebJobsStorage</c>: a connection string (<c>UseDevelopmentStorage=true</c> for Azurite).</summary>
    public string? StorageConnectionString { get; init; }

    /// <summary><c>AzureWebJobsStorage__blobServiceUri</c>: identity-based storage (managed identity) instead of a connection string.</summary>
    public Uri? BlobServiceUri { get; init; }

    /// <summary><c>AzureWebJobsStorage__clientId</c>: the user-assigned identity to use with <see cref="BlobServiceUri"/>.</summary>
    public string? ManagedIdentityClientId { get; init; }

    /// <summary><c>GATEWAY_ENDPOINT</c>: the source gateway; empty = export only (no mirroring).</summary>
    public Uri? GatewayEndpoint { get; init; }

    /// <summary><c>GATEWAY_TOKEN</c> or <c>GATEWAY_TOKEN_FILE</c>, and <c>GATEWAY_CA_FILE</c>: credentials for the source gateway.</summary>
    public GatewayCredentials GatewayCredentials { get; init; } = GatewayCredentials.None;

    /// <summary><c>MIRROR_TARGET_GATEWAY_TOKEN</c> / <c>_TOKEN_FILE</c> / <c>_CA_FILE</c>: credentials for the target gateway.</summary>
    public GatewayCredentials TargetGatewayCredentials { get; init; } = GatewayCredentials.None;

    /// <summary><c>MIRROR_STREAMS</c>: <c>scope/stream</c> list; empty = every stream of every scope of the gateway.</summary>
    public IReadOnlyList<StreamName> Streams { get; init; } = [];

    /// <summary><c>MIRROR_TARGET_GATEWAY</c>: when set, streams are also mirrored to the same names on this gateway.</summary>
    public Uri? TargetGatewayEndpoint { get; init; }

    public string MirrorSchedule { get; init; } = DefaultSchedule;

    public string ExportSchedule { get; init; } = DefaultSchedule;

    public MirrorOptions Mirror { get; init; } = new();

    public ExportOptions Export { get; init; } = new();

    public static CloudSettings From(IConfiguration config)
    {
        string? Text(string key) => config[key] is { Length: > 0 } v ? v.Trim() : null;
        long Number(string key, long fallback) =>
            Text(key) is { } v ? long.Parse(v, NumberStyles.None, CultureInfo.InvariantCulture) : fallback;
        Uri? Url(string key) => Text(key) is { } v ? new Uri(v) : null;

        var export = new ExportOptions();
        var mirror = new MirrorOptions();
        return new CloudSettings
        {
            StorageConnectionString = Text("AzureWebJobsStorage"),
            BlobServiceUri = Url("AzureWebJobsStorage__blobServiceUri"),
            ManagedIdentityClientId = Text("AzureWebJobsStorage__clientId"),
            GatewayEndpoint = Url("GATEWAY_ENDPOINT"),
            GatewayCredentials = GatewayCredentials.From(Text, "GATEWAY"),
            TargetGatewayCredentials = GatewayCredentials.From(Text, "MIRROR_TARGET_GATEWAY"),
            Streams = (Text("MIRROR_STREAMS") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(StreamName.Parse).Distinct().ToList(),
            TargetGatewayEndpoint = Url("MIRROR_TARGET_GATEWAY"),
            MirrorSchedule = Text("MIRROR_SCHEDULE") ?? DefaultSchedule,
            ExportSchedule = Text("EXPORT_SCHEDULE") ?? DefaultSchedule,
            Mirror = mirror with
            {
                MaxEvents = (int)Number("MIRROR_MAX_EVENTS", mirror.MaxEvents),
                MaxBytes = Number("MIRROR_MAX_BYTES", mirror.MaxBytes),
            },
            Export = export with
            {
                Formats = Text("EXPORT_FORMATS") is { } f ? ExportFormats.ParseList(f) : export.Formats,
                Csv = Text("EXPORT_CSV_DIALECT") is { } d ? CsvDialect.Parse(d) : export.Csv,
                MaxRowsPerFile = Number("EXPORT_MAX_ROWS", export.MaxRowsPerFile),
                MaxSourceBytesPerFile = Number("EXPORT_MAX_BYTES", export.MaxSourceBytesPerFile),
                RollAfter = TimeSpan.FromSeconds(Number("EXPORT_ROLL_SECONDS", (long)export.RollAfter.TotalSeconds)),
                IdleFlushAfter = TimeSpan.FromSeconds(Number("EXPORT_IDLE_FLUSH_SECONDS", (long)export.IdleFlushAfter.TotalSeconds)),
            },
        };
    }
}
