using SensorStream.Streams.Configuration.Catalogs;

namespace SensorStream.Cli.Local;

/// <summary>
/// Where a local run keeps everything (Azurite, gateway, SQLite queue, logs, lock) and where verbs write their outputs
/// by default (<c>plots/</c>, <c>exports/</c>): <c>--data-dir</c>, else <c>SENSORSTREAM_DATA_DIR</c> (both relative to the
/// working directory, like any path argument), else <c>.sensorstream</c> in the repository root (git-ignored) — the
/// same folder whichever subfolder a command runs from, and the one <c>./run.sh</c> uses. The repository is the clone
/// this CLI was built in, else the clone around the working directory (an installed tool), else the working directory.
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
        if (flag is not null) return Path.GetFullPath(flag);
        if (!string.IsNullOrEmpty(env)) return Path.GetFullPath(env);
        return Path.GetFullPath(Path.Combine(Processes.RepoLayout.FindRoot() ?? Environment.CurrentDirectory, Default));
    }

    /// <summary>
    /// How the folder for <paramref name="flag"/> was chosen, for messages: empty for <c>--data-dir</c>, else
    /// <c> (from SENSORSTREAM_DATA_DIR)</c> or <c> (the default: the repository's .sensorstream; --data-dir DIR names another)</c>.
    /// </summary>
    public static string Origin(string? flag) =>
        flag is not null ? ""
        : !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(EnvironmentVariable)) ? $" (from {EnvironmentVariable})"
        : $" (the default: the repository's {Default}; --data-dir DIR or {EnvironmentVariable} names another)";

    /// <summary>
    /// A follow-up command as a user types it for the run whose data is in <paramref name="dataDir"/>, e.g.
    /// <c>./sensorstream export get scope/stream --data-dir /tmp/x</c>: <c>--data-dir</c> is added only when the verb
    /// would not find that folder by itself (not the default, nor the environment variable's folder).
    /// </summary>
    public static string FollowUp(string dataDir, string verbAndArguments) =>
        $"{Command} {verbAndArguments}" + (Path.GetFullPath(dataDir) == Resolve(null) ? "" : $" --data-dir {Quote(Path.GetFullPath(dataDir))}");

    private static string Quote(string path) => path.Any(char.IsWhiteSpace) || path.Contains('\'') ? $"'{path.Replace("'", "'\\''")}'" : path;

    /// <summary>The command that runs this CLI, as messages name it: <c>sensorstream</c> as an installed tool, else the clone's launcher.</summary>
    public static string Command => IsInstalledTool ? "sensorstream" : "./sensorstream";

    /// <summary>
    /// True when this CLI runs as an installed .NET tool (<c>dotnet tool install</c> puts it under a <c>.store</c>
    /// folder): then <c>sensorstream</c> is on PATH; otherwise it runs from a clone through the <c>./sensorstream</c> launcher.
    /// </summary>
    public static bool IsInstalledTool =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}.store{Path.DirectorySeparatorChar}", StringComparison.Ordinal);
}
