namespace SensorStream.Streams.Configuration.Catalogs;

/// <summary>
/// The <c>sensorstream</c> CLI's settings shared by its verbs (flags and <c>SENSORSTREAM_*</c> variables; no
/// appsettings). <c>run</c>'s <c>--rate</c>, <c>--batch</c> and <c>--sensor</c> are the collector's own definitions
/// (<see cref="CollectorSettings"/>), so they are checked with its bounds before anything starts. The CLI's
/// <c>--help</c> takes each option's description from here (<c>SettingHelpAttribute</c>).
/// </summary>
public static class CliSettings
{
    private static readonly Setting[] Definitions =
    [
        Setting.Path("DataDir", "--data-dir", ".sensorstream", "data folder of the local run: Azurite, gateway, SQLite queue, logs, outputs; one run at a time, a verb after a run reads it; a relative path is from the current folder, the default from the repository root"),
        Setting.Url("Gateway", "--gateway", null, "gateway endpoint to use instead of the data folder's run (live, or ended: then started briefly on its data)") with { DefaultText = "(the local run's)" },
        Setting.Path("TokenFile", "--token-file", null, "file holding the named gateway's bearer token (the local run's is used automatically)") with { EnvVar = "SENSORSTREAM_GATEWAY_TOKEN_FILE" },
        Setting.Path("CaFile", "--ca-file", null, "PEM certificate (or CA) to trust for a named https gateway") with { EnvVar = "SENSORSTREAM_GATEWAY_CA_FILE", DefaultText = "(system trust)" },
        Setting.Text("Storage", "--storage", null, "Blob Storage connection string to use instead of the data folder's Azurite") with { EnvVar = "AzureWebJobsStorage", DefaultText = "(the local run's)", Secret = true },
        Setting.Duration("Duration", "--duration", "", 1, null, "run for this long (e.g. 60s, 5m), then stop, wait for the cloud to catch up, verify and print a summary") with { BareNumberUnit = null, EnvVar = "", DefaultText = "(until Ctrl-C)", Default = null },
        Setting.Text("Stream", "--stream", "sensorstream/sensors", "the stream the collector writes (scope/stream)") with { EnvVar = "" },
    ];

    /// <summary>Every CLI setting.</summary>
    public static readonly SettingsGroup Group = new("cli", section: null, envPrefix: "SENSORSTREAM_", envFromKey: false, Definitions, appSettings: false);

    /// <summary>The collector's settings that <c>run</c> passes on (same flag, same bounds).</summary>
    public static readonly IReadOnlyList<Setting> Collector = [CollectorSettings.Sensors, CollectorSettings.Rate, CollectorSettings.Batch];

    /// <summary>A CLI setting, or one of <see cref="Collector"/>, by key.</summary>
    public static Setting Find(string key) => Group.All.FirstOrDefault(s => s.Key == key) ?? Collector.First(s => s.Key == key);
}
