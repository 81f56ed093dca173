using System.Text.RegularExpressions;

namespace SensorStream.EndToEnd.Tests;

/// <summary>
/// Helpers of the tests that run the README's one command for a fixed duration (<see cref="ReadmeCommandsTests"/>,
/// <see cref="SecureRunTests"/>): everything starts, runs, stops, and verifies clean.
/// </summary>
public partial class OneCommandRunTests
{
    [GeneratedRegex(@"samples committed during this run: ([\d,]+) from (\d+) sensors")]
    private static partial Regex SamplesLine();

    [GeneratedRegex(@"files exported:\s+(\d+) CSV \+ (\d+) Parquet")]
    private static partial Regex FilesLine();

    internal static string NewDataDir() => Path.Combine(Path.GetTempPath(), $"sensorstream-e2e-{Guid.NewGuid():N}");

    /// <summary>`run` for 20 s with two sensors (a synthetic one and loopback's counters), plus <paramref name="extra"/> flags.</summary>
    internal static string[] ShortRun(string dataDir, params string[] extra) =>
        ["run", "--duration", "20s", "--plain", "--data-dir", dataDir, "--sensor", "synthetic:e2e", "--sensor", "nic:lo", "--batch", "250", .. extra];

    /// <summary>Exit 0 with a clean verdict, samples from both sensors, files in both formats, and run.json removed.</summary>
    internal static void AssertVerifiedSummary(CliResult result, string dataDir)
    {
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.All}\n{Logs(dataDir)}");
        Assert.Contains("verify: OK: 0 gaps, 0 duplicates", result.StdOut);

        var samples = SamplesLine().Match(result.StdOut);
        Assert.True(samples.Success, result.StdOut);
        Assert.Equal("2", samples.Groups[2].Value);
        // Two sensors at 1 kHz for 20 s: far more than this floor even on a loaded machine.
        Assert.True(long.Parse(samples.Groups[1].Value.Replace(",", "")) >= 10_000, samples.Value);

        var files = FilesLine().Match(result.StdOut);
        Assert.True(files.Success, result.StdOut);
        Assert.True(int.Parse(files.Groups[1].Value) > 0 && int.Parse(files.Groups[2].Value) > 0, files.Value);
        Assert.False(File.Exists(Path.Combine(dataDir, "run.json")), "run.json must be removed when the run ends");
    }

    internal static string Logs(string dataDir)
    {
        var logs = Path.Combine(dataDir, "logs");
        if (!Directory.Exists(logs)) return "(no logs)";
        return string.Join('\n', Directory.GetFiles(logs).Select(f =>
            $"--- {Path.GetFileName(f)} (last lines)\n{string.Join('\n', File.ReadLines(f).TakeLast(25))}"));
    }
}
