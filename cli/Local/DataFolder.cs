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

    /// <summary>The command that runs this CLI, as messages name it: <c>sensorstream</c> as an installed tool, else the clone's launcher.</summary>
    public static string Command => IsInstalledTool ? "sensorstream" : "./sensorstream";

    /// <summary>
    /// True when this CLI runs as an installed .NET tool (<c>dotnet tool install</c> puts it under a <c>.store</c>
    /// folder): then <c>sensorstream</c> is on PATH; otherwise it runs from a clone through the <c>./sensorstream</c> launcher.
    /// </summary>
    public static bool IsInstalledTool =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}.store{Path.DirectorySeparatorChar}", StringComparison.Ordinal);
}
