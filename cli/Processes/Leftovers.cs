using System.Globalization;

namespace SensorStream.Cli.Processes;

/// <summary>A process found using a path, for messages: its pid and command line.</summary>
public sealed record Leftover(int ProcessId, string CommandLine)
{
    /// <summary><c>process 1234 (dotnet …/SensorStream.Gateway.dll --data-dir …)</c>, the command cut to 160 characters.</summary>
    public override string ToString() =>
        $"process {ProcessId.ToString(CultureInfo.InvariantCulture)} ({(CommandLine.Length > 160 ? CommandLine[..157] + "..." : CommandLine)})";
}

/// <summary>
/// Finds processes left over from an interrupted command (a gateway or Azurite still running on a data folder after
/// its CLI was killed before <see cref="ChildLauncher"/>'s parent-death signal existed, or started by hand), so a
/// refusal can name them and say what to do. Linux only (<c>/proc/PID/cmdline</c>); elsewhere it finds nothing.
/// </summary>
public static class Leftovers
{
    /// <summary>
    /// Processes other than this one with a command-line argument (or an <c>--flag=value</c>'s value) that is
    /// <paramref name="folder"/> or a path inside it: called with a component's own data folder (a gateway's
    /// <c>--data-dir FOLDER/gateway</c>, Azurite's <c>--location FOLDER/azurite</c>), never with the run's data folder
    /// itself, which another CLI may merely name (<c>--data-dir FOLDER</c>).
    /// </summary>
    public static IReadOnlyList<Leftover> Inside(string folder)
    {
        // Reading /proc/PID/cmdline can block while that process's memory map is locked; the check is advice, so a
        // scan that takes longer than a few seconds is given up rather than holding up the command.
        var scan = Task.Run(() => Scan(folder));
        return scan.Wait(TimeSpan.FromSeconds(5)) ? scan.Result : [];
    }

    private static List<Leftover> Scan(string folder)
    {
        var exact = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var root = exact + Path.DirectorySeparatorChar;
        bool Uses(string arg) => arg == exact || arg.StartsWith(root, StringComparison.Ordinal);
        var found = new List<Leftover>();
        if (!Directory.Exists("/proc")) return found;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId) continue;
            string[] args;
            try
            {
                args = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // it ended meanwhile, or is not ours to read
            }
            if (args.Any(a => Uses(a) || (a.StartsWith('-') && a.IndexOf('=') is var eq and > 0 && Uses(a[(eq + 1)..]))))
                found.Add(new Leftover(pid, string.Join(' ', args)));
        }
        return found;
    }

    /// <summary>What to do about <paramref name="leftovers"/>: <c>stop it with `kill 1234`</c> (or them), then try again.</summary>
    public static string Advice(IReadOnlyList<Leftover> leftovers) =>
        $"probably left by an interrupted command; stop {(leftovers.Count == 1 ? "it" : "them")} with " +
        $"`kill {string.Join(' ', leftovers.Select(l => l.ProcessId.ToString(CultureInfo.InvariantCulture)))}` and try again";
}
