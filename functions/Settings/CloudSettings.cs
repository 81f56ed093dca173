using Microsoft.Extensions.Configuration;
using NCrontab;
using SensorStream.Streams.Configuration;
using SensorStream.Streams.Configuration.Catalogs;
using SensorStream.Streams.Exporting;
using SensorStream.Streams.Mirroring;
using SensorStream.Streams.Naming;

namespace SensorStream.Functions.Settings;

/// <summary>
/// The app settings (environment variables in Azure, <c>local.settings.json</c> "Values" locally), parsed once through
/// the shared settings model (<see cref="CloudHostSettings"/>: names, types, bounds, defaults). Names are the ones the
/// Functions host uses, so the same file drives <c>func start</c> and the local host.
/// </summary>
public sealed record CloudSettings
{
    public const string DefaultSchedule = CloudHostSettings.DefaultSchedule;

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

    /// <summary>Reads every app setting; throws <see cref="FormatException"/> with one line naming the first bad one.</summary>
    public static CloudSettings From(IConfiguration config)
    {
        var group = CloudHostSettings.Group;
        Dictionary<string, object> values;
        try
        {
            values = SettingsReader.Read(group, config);
        }
        catch (SettingException e)
        {
            throw new FormatException(e.Message, e);
        }
        T Get<T>(string key) => (T)values[key];
        T? Optional<T>(string key) where T : class => values.GetValueOrDefault(key) as T;
        string? Text(string key) => Optional<string>(key)?.Trim() is { Length: > 0 } v ? v : null;
        T Named<T>(string key, Func<T> parse)
        {
            try
            {
                return parse();
            }
            catch (Exception e) when (e is FormatException or ArgumentException or CrontabException)
            {
                throw new FormatException($"{group[key].Describe()}: {OneLine.Of(e.Message)}", e);
            }
        }

        var export = new ExportOptions();
        var mirror = new MirrorOptions();
        return new CloudSettings
        {
            StorageConnectionString = Text("AzureWebJobsStorage"),
            BlobServiceUri = Optional<Uri>("AzureWebJobsStorage__blobServiceUri"),
            ManagedIdentityClientId = Text("AzureWebJobsStorage__clientId"),
            GatewayEndpoint = Optional<Uri>("GATEWAY_ENDPOINT"),
            GatewayCredentials = GatewayCredentials.From(Text, "GATEWAY"),
            TargetGatewayCredentials = GatewayCredentials.From(Text, "MIRROR_TARGET_GATEWAY"),
            Streams = Named("MIRROR_STREAMS", () => (Optional<IReadOnlyList<string>>("MIRROR_STREAMS") ?? []).Select(StreamName.Parse).Distinct().ToList()),
            TargetGatewayEndpoint = Optional<Uri>("MIRROR_TARGET_GATEWAY"),
            MirrorSchedule = Named("MIRROR_SCHEDULE", () => Schedule(Get<string>("MIRROR_SCHEDULE"))),
            ExportSchedule = Named("EXPORT_SCHEDULE", () => Schedule(Get<string>("EXPORT_SCHEDULE"))),
            Mirror = mirror with
            {
                MaxEvents = (int)Get<long>("MIRROR_MAX_EVENTS"),
                MaxBytes = Get<long>("MIRROR_MAX_BYTES"),
            },
            Export = export with
            {
                Formats = Named("EXPORT_FORMATS", () => ExportFormats.ParseList(Get<string>("EXPORT_FORMATS"))),
                Csv = CsvDialect.Parse(Get<string>("EXPORT_CSV_DIALECT")),
                MaxRowsPerFile = Get<long>("EXPORT_MAX_ROWS"),
                TargetFileBytes = Get<long>("EXPORT_FILE_BYTES"),
                MaxSourceBytesPerStep = Get<long>("EXPORT_MAX_BYTES"),
                RollAfter = Get<TimeSpan>("EXPORT_ROLL_SECONDS"),
                IdleFlushAfter = Get<TimeSpan>("EXPORT_IDLE_FLUSH_SECONDS"),
            },
        };
    }

    /// <summary>An NCRONTAB schedule as the Functions timer reads it (six fields = with seconds); refused here rather than when the timer starts.</summary>
    private static string Schedule(string text)
    {
        var trimmed = text.Trim();
        CrontabSchedule.Parse(trimmed, new CrontabSchedule.ParseOptions { IncludingSeconds = trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 });
        return trimmed;
    }
}
