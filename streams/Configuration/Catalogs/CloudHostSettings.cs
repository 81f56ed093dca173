namespace SensorStream.Streams.Configuration.Catalogs;

/// <summary>
/// The cloud host's app settings (environment variables in Azure, <c>local.settings.json</c> "Values" locally; the
/// names the Functions host uses, so one file drives <c>func start</c> and the local host). Read by the functions
/// app's <c>CloudSettings</c> through the shared model's one path.
/// </summary>
public static class CloudHostSettings
{
    public const string DefaultSchedule = "*/10 * * * * *";

    private static readonly Setting[] Definitions =
    [
        Setting.Text("AzureWebJobsStorage", null, null, "storage connection string: chunks, exports, checkpoints (and the Functions host's own state)") with { DefaultText = "— (UseDevelopmentStorage=true locally)", Secret = true },
        Setting.Url("AzureWebJobsStorage__blobServiceUri", null, null, "identity-based storage instead of a connection string (managed identity)") with { DefaultText = "—" },
        Setting.Text("AzureWebJobsStorage__clientId", null, null, "the user-assigned identity to use with __blobServiceUri") with { DefaultText = "— (system-assigned)" },
        Setting.Url("GATEWAY_ENDPOINT", null, null, "source gateway, e.g. http://127.0.0.1:5005; empty = export only") with { DefaultText = "— (export only)" },
        Setting.Text("GATEWAY_TOKEN", null, null, "bearer token for a gateway started with --auth-token-file (in Azure: a Key Vault reference); never logged") with { Secret = true },
        Setting.Path("GATEWAY_TOKEN_FILE", null, null, "file holding that token (trimmed); not with GATEWAY_TOKEN"),
        Setting.Path("GATEWAY_CA_FILE", null, null, "PEM certificate to trust for an https:// gateway with a private CA") with { DefaultText = "(system trust)" },
        Setting.List("MIRROR_STREAMS", null, null, null, "scope/stream,…; empty = every stream of every scope (mirror: from the gateway; export: every blob stream). Required when GATEWAY_ENDPOINT is a public pravega-grpc-gateway (or ours with --protocol public): it has no ListScopes, so each mirror/forward tick logs `cannot discover the streams to mirror …; set MIRROR_STREAMS` and does nothing") with { DefaultText = "(all)" },
        Setting.Text("MIRROR_SCHEDULE", null, DefaultSchedule, "NCRONTAB with seconds (UTC): mirror (and forward) timer"),
        Setting.Text("EXPORT_SCHEDULE", null, DefaultSchedule, "NCRONTAB with seconds (UTC): export timer"),
        Setting.Integer("MIRROR_MAX_EVENTS", null, 10_000, 1, int.MaxValue, "events", "events per chunk (per mirror step)"),
        Setting.Integer("MIRROR_MAX_BYTES", null, 4 * 1024 * 1024, 1, null, "bytes", "event bytes per chunk; an event is never split"),
        Setting.Url("MIRROR_TARGET_GATEWAY", null, null, "forward every mirrored stream to the same name on this gateway (must differ from GATEWAY_ENDPOINT)") with { DefaultText = "— (no forward)" },
        Setting.Text("MIRROR_TARGET_GATEWAY_TOKEN", null, null, "bearer token for the target gateway") with { Secret = true },
        Setting.Path("MIRROR_TARGET_GATEWAY_TOKEN_FILE", null, null, "file holding that token; not with MIRROR_TARGET_GATEWAY_TOKEN"),
        Setting.Path("MIRROR_TARGET_GATEWAY_CA_FILE", null, null, "PEM certificate to trust for an https:// target gateway") with { DefaultText = "(system trust)" },
        Setting.Text("EXPORT_FORMATS", null, "csv,parquet", "formats written: csv, parquet (comma-separated)"),
        Setting.Choice("EXPORT_CSV_DIALECT", null, "CSV dialect", ["rfc4180", "spreadsheet", "spreadsheet-semicolon"], "rfc4180 (comma, no BOM), spreadsheet (UTF-8 BOM), spreadsheet-semicolon (BOM and ;)"),
        Setting.Integer("EXPORT_MAX_ROWS", null, 4_000_000, 1, null, "rows", "a table's part (file) rolls at this many rows; also the most rows one export step takes"),
        Setting.Integer("EXPORT_FILE_BYTES", null, 128L * 1024 * 1024, 1, null, "bytes", "a table's part (file) rolls once its rows' uncompressed size (8 bytes a value) reaches this; measured: Parquet 19-70 MB, CSV 210-290 MB at the 128 MiB default"),
        Setting.Integer("EXPORT_MAX_BYTES", null, 64L * 1024 * 1024, 1, null, "bytes", "source chunk bytes one export step reads (bounds a step's work and memory)"),
        Setting.Duration("EXPORT_ROLL_SECONDS", null, "900", 1000, null, "roll by time: a part rolls once its oldest rows are this old, even if more keep coming (how late rows may show up in files when no watermark closes their hour)") with { BareNumberUnit = TimeSpan.FromSeconds(1) },
        Setting.Duration("EXPORT_IDLE_FLUSH_SECONDS", null, "300", 0, null, "idle flush: a part rolls once no new row of it arrived for this long") with { BareNumberUnit = TimeSpan.FromSeconds(1) },
    ];

    /// <summary>Every cloud host setting.</summary>
    public static readonly SettingsGroup Group = new("cloud", section: null, envPrefix: "", envFromKey: true, Definitions);
}
