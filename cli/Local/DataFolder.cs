using SensorStream.Streams.Configuration.Catalogs;

namespace SensorStream.Cli.Local;

/// <summary>
/// Where a local run keeps everything (Azurite, gateway, SQLite queue, logs, lock) and where verbs write their outputs
/// by default (<c>plots/</c>, <c>exports/</c>): <c>--data-dir</c>, else <c>SENSORSTREAM_DATA_DIR</c>, else <c>.sensorstream</c>
/// in the working directory (git-ignored).
/// </summary>
public static class DataFolder
{
    /// <summary>The default folder (the shared model's <c>DataDir</c> default).</summary>
    public static string Default => CliSettings.Group["DataDir"].Default!;

    /// <summary>The environment variable that names the folder (the shared model's).</summary>
    public static string EnvironmentVariable => CliSettings.Group["DataDir"].EnvVar!;

    /// <summary>The absolute data folder for a <c>--data-dir</c> value (null when not given).</summary>
    public static string Resolve(string? flag)
    {
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return Path.GetFullPath(flag ?? (string.IsNullOrEmpty(env) ? Default : env));
    }

    /// <summary>The command users type to run the CLI from the repository root (the launcher script).</summary>
    public const string Command = "./sensorstream";
}
