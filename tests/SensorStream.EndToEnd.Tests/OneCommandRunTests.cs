using System.Text.RegularExpressions;
using SensorStream.Testing;

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

    /// <summary>
    /// How long a test's run samples. The run is started with no end in reach (<see cref="Unending"/>) and ended by
    /// SIGTERM (as Ctrl-C ends it, summary and all) once the test did what it does while the run is live and this much
    /// time has passed since the run published run.json: with a fixed --duration of 20 s, a loaded machine could take
    /// longer than that to start the test's other commands, and the run ended under them.
    /// </summary>
    internal static readonly TimeSpan RunFor = TimeSpan.FromSeconds(20);

    /// <summary>The --duration of a test's run: never reached, <see cref="EndRunAsync"/> ends it.</summary>
    internal const string Unending = "1h";

    /// <summary>`run` with two sensors (a synthetic one and loopback's counters), plus <paramref name="extra"/> flags; end it with <see cref="EndRunAsync"/>.</summary>
    internal static string[] ShortRun(string dataDir, params string[] extra) => Run(dataDir, Unending, extra);

    /// <summary>`run` for <paramref name="duration"/> with <see cref="ShortRun"/>'s sensors, plus <paramref name="extra"/> flags.</summary>
    internal static string[] Run(string dataDir, string duration, params string[] extra) =>
        ["run", "--duration", duration, "--plain", "--data-dir", dataDir, "--sensor", "synthetic:e2e", "--sensor", "nic:lo", "--batch", "250", .. extra];

    /// <summary>Starts a run (<see cref="ShortRun"/>'s arguments) and waits until it published run.json; fails if it ended before.</summary>
    internal static async Task<(CliProcess Run, System.Diagnostics.Stopwatch Live)> StartRunAsync(string? workingDirectory,
        IReadOnlyDictionary<string, string>? environment, string dataDir, string[] args)
    {
        var run = CliRun.StartIn(workingDirectory ?? Path.GetTempPath(), environment, TimeSpan.FromMinutes(6), args);
        var runJson = Path.Combine(dataDir, "run.json");
        await Poll.UntilAsync(() => File.Exists(runJson) || run.HasExited, TimeSpan.FromMinutes(2), "run.json of the started pipeline");
        if (run.HasExited) Assert.Fail($"the run ended before it published run.json:\n{(await run.Result).All}\n{Logs(dataDir)}");
        return (run, System.Diagnostics.Stopwatch.StartNew());
    }

    /// <summary>
    /// Ends a run once it has been live for <see cref="RunFor"/> (the run's length, as --duration was, not a
    /// synchronization): SIGTERM, then its summary and exit code.
    /// </summary>
    internal static async Task<CliResult> EndRunAsync(CliProcess run, System.Diagnostics.Stopwatch live)
    {
        if (run.HasExited) Assert.Fail($"the run ended on its own before the test ended it:\n{(await run.Result).All}");
        if (RunFor - live.Elapsed is { Ticks: > 0 } left) await Task.Delay(left);
        await run.TerminateAsync();
        return await run.Result;
    }

    /// <summary>Exit 0 with a clean verdict, samples from both sensors, files in both formats, and run.json removed.</summary>
    internal static void AssertVerifiedSummary(CliResult result, string dataDir, long minSamples = 10_000)
    {
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.All}\n{Logs(dataDir)}");
        Assert.Contains("verify: OK: 0 missing samples, 0 duplicates (stream, CSV and Parquet together)", result.StdOut);

        var samples = SamplesLine().Match(result.StdOut);
        Assert.True(samples.Success, result.StdOut);
        Assert.Equal("2", samples.Groups[2].Value);
        // Two sensors at 1 kHz for 20 s: far more than this floor even on a loaded machine.
        Assert.True(long.Parse(samples.Groups[1].Value.Replace(",", "")) >= minSamples, samples.Value);

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
