using SensorStream.Testing;

namespace SensorStream.EndToEnd.Tests;

/// <summary>
/// Mistakes get one clear line naming what is wrong, fast, with the exit code of cli/README.md's table, and nothing
/// starts: bad arguments and sensor specs (2), nothing running (3), a stream that does not exist (1).
/// </summary>
public class CliErrorTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("--to: 'out.txt' must end with .png", "plot", "edge/sensors", "--to", "out.txt")]
    [InlineData("is not a stream name", "verify", "nostream")]
    [InlineData("contains ' '", "tail", "edge/bad name")]
    [InlineData("--gateway: 'ftp://x' is not an http:// or https:// URL", "verify", "edge/s", "--gateway", "ftp://x")]
    [InlineData("--count must be a positive number", "tail", "edge/s", "--count", "0")]
    [InlineData("--duration: 'soon' is not a duration", "run", "--duration", "soon")]
    [InlineData("--duration: '10' has no unit: write 10s (seconds)", "run", "--duration", "10")]
    [InlineData("--rate: must be between 1 and 20000 Hz, got 0", "run", "--rate", "0")] // the collector's bound and message (one settings model)
    [InlineData("--batch: must be between 1 and 46091 samples, got 50000", "run", "--batch", "50000")]
    [InlineData("--sensor: 'bogus:1' is not a sensor spec", "run", "--sensor", "bogus:1")]
    [InlineData("--sensor: 'nic:doesnotexist': no network interface 'doesnotexist' here", "run", "--sensor", "nic:doesnotexist")]
    [InlineData("--format: 'xml' is not csv or jsonl", "tail", "edge/s", "--format", "xml")]
    [InlineData("--format: 'xml' is not csv, parquet or all", "export", "get", "edge/s", "--to", "x", "--format", "xml")]
    [InlineData("--token-file: '/nonexistent/token' does not exist", "verify", "edge/s", "--token-file", "/nonexistent/token")]
    [InlineData("missing required argument 'SCOPE/STREAM'", "status")]
    [InlineData("Unknown option 'bogus'", "verify", "edge/s", "--bogus")] // strict parsing: a typo is never ignored
    [InlineData("Unknown option 'duraton'", "run", "--duraton", "5s")]
    public async Task Bad_arguments_get_one_line_and_exit_2_before_anything_starts(string message, params string[] args)
    {
        var dataDir = OneCommandRunTests.NewDataDir();
        var result = await CliRun.RunAsync(Timeout, [.. args, "--data-dir", dataDir]);
        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.All}");
        Assert.Contains(message, result.StdErr);
        Assert.Single(result.StdErr.Trim().Split('\n'));
        Assert.False(Directory.Exists(dataDir), "nothing may start (the data folder is not even created)");
    }

    [Theory]
    [InlineData("verify", "sensorstream/sensors")]
    [InlineData("status", "sensorstream/sensors")]
    [InlineData("export", "get", "sensorstream/sensors")]
    public async Task With_nothing_running_a_verb_says_what_to_start_and_exits_3(params string[] args)
    {
        var dataDir = OneCommandRunTests.NewDataDir();
        var result = await CliRun.RunAsync(Timeout, [.. args, "--data-dir", dataDir]);
        Assert.True(result.ExitCode == 3, $"exit {result.ExitCode}: {result.All}");
        Assert.Equal($"sensorstream: nothing is running and {dataDir} holds no earlier run: start one with `./run.sh` " +
                     "(or name a service with --gateway URL / --storage CONNECTION_STRING)", result.StdErr.Trim());
    }

    [Fact]
    public async Task Unreachable_gateway_is_reported_not_thrown_as_a_stack_trace()
    {
        var result = await CliRun.RunAsync(Timeout, "verify", "edge/s", "--gateway", "http://127.0.0.1:1");
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("cannot reach the gateway at http://127.0.0.1:1/", result.StdErr);
        Assert.DoesNotContain("   at ", result.All);
        Assert.DoesNotContain("Exception", result.All);
    }

    [Fact]
    public async Task Verify_of_a_stream_that_does_not_exist_exits_1()
    {
        var dir = OneCommandRunTests.NewDataDir();
        try
        {
            await using var gateway = await GatewayProcess.StartAsync(Path.Combine(dir, "gateway"));
            var result = await CliRun.RunAsync(Timeout, "verify", "nosuch/stream", "--gateway", gateway.Endpoint.ToString());
            Assert.True(result.ExitCode == 1, result.All);
            Assert.Contains("not found on the gateway", result.StdErr);
            Assert.DoesNotContain("Exception", result.All);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
