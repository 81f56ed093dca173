namespace SensorStream.EndToEnd.Tests;

/// <summary>
/// A run whose component exits while starting says why in one line — the component's own last words (its stderr),
/// exit 5 — stops what it had started, and leaves the folder's previous run record (last-run.json) as it was, so the
/// follow-up verbs still find the last good run.
/// </summary>
public sealed class RunStartFailureTests
{
    [Fact]
    public async Task A_gateway_that_exits_while_starting_is_reported_with_its_reason_and_the_last_run_is_kept()
    {
        var dataDir = OneCommandRunTests.NewDataDir();
        try
        {
            Directory.CreateDirectory(dataDir);
            var lastRun = Path.Combine(dataDir, "last-run.json");
            const string previous = """{"Stream":"sensorstream/sensors","Sensors":["synthetic:a"],"Started":"2026-11-30T05:00:00+00:00","Ended":"2026-11-30T05:01:00+00:00","Secure":false}""";
            await File.WriteAllTextAsync(lastRun, previous);
            // The CLI passes its environment on: the gateway reads an out-of-bounds setting and refuses to start (exit 2).
            var environment = new Dictionary<string, string> { ["GATEWAY_MAX_READERS"] = "0" };
            var result = await CliRun.RunInAsync(Path.GetTempPath(), environment, TimeSpan.FromMinutes(3),
                OneCommandRunTests.ShortRun(dataDir));

            Assert.True(result.ExitCode == 5, $"exit {result.ExitCode}\n{result.All}");
            var first = result.StdErr.Split('\n')[0];
            Assert.StartsWith("sensorstream: gateway exited with code 2 while starting: error: ", first);
            Assert.Contains("--max-readers", first);
            Assert.Contains(Path.Combine(dataDir, "logs", "gateway.log"), first);
            Assert.Equal(previous, await File.ReadAllTextAsync(lastRun));
            Assert.False(File.Exists(Path.Combine(dataDir, "run.json")));
        }
        finally
        {
            if (Directory.Exists(dataDir)) Directory.Delete(dataDir, recursive: true);
        }
    }
}
