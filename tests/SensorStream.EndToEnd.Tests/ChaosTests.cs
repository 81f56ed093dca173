using System.Text.RegularExpressions;

namespace SensorStream.EndToEnd.Tests;

/// <summary>The chaos harness's CI run: ≥ 2 minutes, ≥ 20 faults of every kind, 0 gaps and 0 duplicates in every stage.</summary>
public partial class ChaosTests
{
    [GeneratedRegex(@"faults injected: .*, total (\d+) of (\d+) kinds")]
    private static partial Regex FaultsLine();

    [GeneratedRegex(@"faults of (\d+) kinds planned")]
    private static partial Regex PlannedLine();

    [Fact]
    public async Task Two_minutes_of_faults_lose_and_duplicate_nothing()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), $"sensorstream-chaos-test-{Guid.NewGuid():N}");
        try
        {
            var result = await CliRun.RunDllAsync(Repo.Dll("tests/Chaos", "SensorStream.Chaos"), TimeSpan.FromMinutes(12),
                "--duration", "120s", "--seed", "20261126", "--fault-every", "5s", "--sensors", "3", "--batch", "100", "--data-dir", dataDir);
            var output = result.All;
            Assert.True(result.ExitCode == 0, $"chaos exit {result.ExitCode}\n{output}\n{OneCommandRunTests.Logs(dataDir)}");
            Assert.Contains("chaos: PASSED", output);
            Assert.Contains(" 0 missing samples, 0 duplicates", output);
            var faults = FaultsLine().Match(output);
            Assert.True(faults.Success, output);
            Assert.True(int.Parse(faults.Groups[1].Value) >= 20, faults.Value);
            Assert.True(int.Parse(faults.Groups[2].Value) >= 4, faults.Value);
            // Every kind this machine can inject (all ten where cc and a tmpfs mount are available) really happened.
            Assert.Equal(PlannedLine().Match(output).Groups[1].Value, faults.Groups[2].Value);
        }
        finally
        {
            if (Directory.Exists(dataDir)) Directory.Delete(dataDir, recursive: true);
        }
    }
}
