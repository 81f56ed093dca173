using System.Text.RegularExpressions;
using SensorStream.Testing;

namespace SensorStream.EndToEnd.Tests;

/// <summary>
/// The README's "Run the whole pipeline locally" section, command by command, in the order written: the run (with its
/// duration shortened to 20 s) and every follow-up after it has ended. `./run.sh` (build + `sensorstream run`) and the
/// `./sensorstream` launcher map to the CLI built with these tests; the data folder is a temporary one
/// (<c>SENSORSTREAM_DATA_DIR</c>), so outputs the commands write by default land there. While the run goes, a second
/// run on the same folder must refuse at once and leave the first untouched.
/// </summary>
public partial class ReadmeCommandsTests
{
    private const string Section = "## Run the whole pipeline locally";

    [GeneratedRegex(@"```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();

    /// <summary>The section's commands (comments and blank lines dropped), in order.</summary>
    internal static IReadOnlyList<string[]> Commands(string readme)
    {
        var start = readme.IndexOf(Section, StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no '{Section}' section");
        var end = readme.IndexOf("\n## ", start + Section.Length, StringComparison.Ordinal);
        var section = readme[start..(end < 0 ? readme.Length : end)];
        return BashBlock().Matches(section)
            .SelectMany(m => m.Groups[1].Value.Split('\n'))
            .Select(line => Regex.Replace(line, @"(^|\s)#.*$", "").Trim())
            .Where(line => line.Length > 0)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToList();
    }

    /// <summary>
    /// The README's run ends by its --duration (the other run tests end theirs by SIGTERM, so that their checks while
    /// it is live never race its end): exit 0 with the summary and a clean verdict, without any signal.
    /// </summary>
    [Fact]
    public async Task A_run_ends_by_itself_when_its_duration_has_passed_and_verifies_clean()
    {
        var dataDir = OneCommandRunTests.NewDataDir();
        try
        {
            var result = await CliRun.RunAsync(TimeSpan.FromMinutes(6), OneCommandRunTests.Run(dataDir, "8s"));
            OneCommandRunTests.AssertVerifiedSummary(result, dataDir, minSamples: 1);
        }
        finally
        {
            if (Directory.Exists(dataDir)) Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task Every_command_of_the_readme_run_section_works_as_written()
    {
        var commands = Commands(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "README.md")));
        Assert.Contains(commands, c => c is ["./run.sh", "--duration", ..]);
        Assert.True(commands.Count(c => c[0] == "./sensorstream") >= 4, "the run's follow-ups: plot, tail, export get, verify");
        var dataDir = OneCommandRunTests.NewDataDir();
        var environment = new Dictionary<string, string> { ["SENSORSTREAM_DATA_DIR"] = dataDir };
        try
        {
            foreach (var command in commands)
            {
                string[] args = command switch
                {
                    // Shortened to 20 s (ended by SIGTERM, see OneCommandRunTests.RunFor); sensors as in the other run tests
                    // (loopback's counters + a synthetic one).
                    ["./run.sh", "--duration", _, .. var rest] => ["run", "--duration", OneCommandRunTests.Unending, "--plain", "--sensor", "synthetic:e2e", "--sensor", "nic:lo", "--batch", "250", .. rest],
                    ["./sensorstream", .. var rest] => rest,
                    _ => throw new Xunit.Sdk.XunitException($"README command not covered by this test: {string.Join(' ', command)}"),
                };
                var text = string.Join(' ', command);
                if (args[0] == "run")
                {
                    await RunWithASecondRunRefusedAsync(args, environment, dataDir);
                    continue;
                }
                var result = await CliRun.RunInAsync(RepoPaths.Root, environment, TimeSpan.FromMinutes(2), args);
                Assert.True(result.ExitCode == 0, $"`{text}` exited {result.ExitCode}:\n{result.All}\n{OneCommandRunTests.Logs(dataDir)}");
                Assert.DoesNotContain("   at ", result.All);
                if (args is ["tail", ..] && Array.IndexOf(args, "--count") is var i and >= 0)
                {
                    var rows = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => !l.StartsWith("SensorId,", StringComparison.Ordinal));
                    Assert.Equal(int.Parse(args[i + 1]), rows);
                }
            }
            Assert.True(File.Exists(Path.Combine(dataDir, "last-run.json")), "the run is recorded for the follow-ups");
            Assert.False(File.Exists(Path.Combine(dataDir, "run.json")), "nothing is running any more");
        }
        finally
        {
            if (Directory.Exists(dataDir)) Directory.Delete(dataDir, recursive: true);
        }
    }

    private static async Task RunWithASecondRunRefusedAsync(string[] args, IReadOnlyDictionary<string, string> environment, string dataDir)
    {
        var (run, live) = await OneCommandRunTests.StartRunAsync(RepoPaths.Root, environment, dataDir, args);
        var runJson = Path.Combine(dataDir, "run.json");
        var published = await File.ReadAllTextAsync(runJson);

        var second = await CliRun.RunInAsync(RepoPaths.Root, environment, TimeSpan.FromMinutes(1), args);
        Assert.True(second.ExitCode == 4, $"a second run in the same folder must refuse (exit 4):\n{second.All}");
        Assert.Contains("is in use by `sensorstream run`", second.StdErr);
        Assert.Equal(published, await File.ReadAllTextAsync(runJson)); // the first run's state is untouched
        // During the run, status reads the live run's endpoints from run.json.
        var status = await CliRun.RunInAsync(RepoPaths.Root, environment, TimeSpan.FromMinutes(1), "status", "sensorstream/sensors");
        Assert.True(status.ExitCode == 0, status.All);

        OneCommandRunTests.AssertVerifiedSummary(await OneCommandRunTests.EndRunAsync(run, live), dataDir);
    }
}
