using SensorStream.Streams.Naming;
using SensorStream.Streams.Events;
using SensorStream.Streams.Client;
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

    /// <summary>
    /// A stream with a damaged segment (one byte flipped on disk while the gateway was down): the gateway serves the events
    /// before the damage and answers DATA_LOSS beyond it; verify reports what it read and fails as a check (exit 1, naming
    /// the file), not as an unreachable service (exit 3).
    /// </summary>
    [Fact]
    public async Task Verify_of_a_stream_with_a_damaged_segment_reports_what_it_read_and_exits_1_naming_the_file()
    {
        var dir = OneCommandRunTests.NewDataDir();
        var stream = new StreamName("damaged", "s");
        try
        {
            var gatewayDir = Path.Combine(dir, "gateway");
            await using (var gateway = await GatewayProcess.StartAsync(gatewayDir))
            {
                using var client = new GatewayClient(new GatewayClientOptions { Endpoint = gateway.Endpoint });
                await client.EnsureStreamAsync(stream);
                for (var i = 0; i < 40; i++)
                {
                    var batch = new SampleBatch("a", i * 100L, [.. Enumerable.Range(0, 100).Select(t => (long)(i * 100 + t))])
                        .WithColumn("Value", Enumerable.Range(0, 100).Select(t => t * 0.5).ToArray());
                    await client.WriteEventsAsync(stream, [new OutgoingEvent("a", SampleBatchJson.Serialize(batch))]);
                }
                Assert.Equal(0, await gateway.StopAsync());
            }
            var segment = Directory.EnumerateFiles(gatewayDir, "*.seg", SearchOption.AllDirectories).MaxBy(f => new FileInfo(f).Length)!;
            var length = new FileInfo(segment).Length;
            using (var file = File.Open(segment, FileMode.Open, FileAccess.ReadWrite))
            {
                file.Position = length / 2;
                var b = file.ReadByte();
                file.Position = length / 2;
                file.WriteByte((byte)(b ^ 0x40));
            }
            await using (var gateway = await GatewayProcess.StartAsync(gatewayDir))
            {
                var result = await CliRun.RunAsync(Timeout, "verify", stream.ToString(), "--gateway", gateway.Endpoint.ToString());
                Assert.True(result.ExitCode == 1, result.All);
                var line = Assert.Single(result.StdOut.Split('\n'), l => l.StartsWith($"verify stream {stream}: FAILED: the gateway answered DATA_LOSS after ", StringComparison.Ordinal));
                Assert.Contains(segment, line);
                Assert.DoesNotContain("after 0 events", line); // the events before the damage were served and counted
                Assert.DoesNotContain("Exception", result.All);
            }
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_verb_on_an_empty_data_folder_leaves_it_empty()
    {
        var dataDir = OneCommandRunTests.NewDataDir();
        Directory.CreateDirectory(dataDir);
        try
        {
            var result = await CliRun.RunAsync(Timeout, "verify", "sensorstream/sensors", "--data-dir", dataDir);
            Assert.True(result.ExitCode == 3, result.All);
            Assert.StartsWith($"sensorstream: nothing is running and {dataDir} holds no earlier run", result.StdErr);
            Assert.Empty(Directory.GetFileSystemEntries(dataDir)); // no lock file, no logs
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>
    /// Without --data-dir or SENSORSTREAM_DATA_DIR the data folder is the repository's .sensorstream whatever folder the
    /// command runs from (here cli/), and a message names it and how it was chosen. On a clean clone that folder holds
    /// no run (exit 3); on a developer's clone it may (then the verb finds it), but never a cli/.sensorstream.
    /// </summary>
    [Fact]
    public async Task The_default_data_folder_is_the_repository_s_from_any_subfolder()
    {
        var cli = Path.Combine(RepoPaths.Root, "cli");
        var expected = Path.Combine(RepoPaths.Root, ".sensorstream");
        var result = await CliRun.RunInAsync(cli, new Dictionary<string, string> { ["SENSORSTREAM_DATA_DIR"] = "" }, Timeout,
            "verify", "sensorstream/sensors");
        Assert.False(Directory.Exists(Path.Combine(cli, ".sensorstream")));
        Assert.DoesNotContain(Path.Combine(cli, ".sensorstream"), result.All);
        if (!Directory.Exists(Path.Combine(expected, "gateway")))
        {
            Assert.True(result.ExitCode == 3, result.All);
            Assert.StartsWith($"sensorstream: nothing is running and {expected} (the default: the repository's .sensorstream; " +
                              "--data-dir DIR or SENSORSTREAM_DATA_DIR names another) holds no earlier run", result.StdErr);
        }
    }

    [Fact]
    public async Task Help_is_short_at_the_top_and_its_examples_write_under_the_data_folder_or_tmp()
    {
        var top = await CliRun.RunAsync(Timeout, "--help");
        var run = await CliRun.RunAsync(Timeout, "run", "--help");
        var plot = await CliRun.RunAsync(Timeout, "plot", "--help");
        var export = await CliRun.RunAsync(Timeout, "export", "get", "--help");
        Assert.True(top.ExitCode == 0 && run.ExitCode == 0 && plot.ExitCode == 0 && export.ExitCode == 0, top.All + run.All);
        var commands = top.StdOut[top.StdOut.IndexOf("COMMANDS:", StringComparison.Ordinal)..];
        var runEntry = System.Text.RegularExpressions.Regex.Replace(commands[..commands.IndexOf("status <", StringComparison.Ordinal)], @"\s+", " ");
        Assert.EndsWith("sensor kinds: `run --help` ", runEntry); // a few lines at most, not the kind list
        Assert.DoesNotContain("mpu6050", top.StdOut); // the sensor kinds are in run --help only
        Assert.Contains("mpu6050", run.StdOut);
        foreach (var help in new[] { top, run, plot, export })
            foreach (var to in System.Text.RegularExpressions.Regex.Matches(help.StdOut, @"--to (\S+)").Select(m => m.Groups[1].Value))
                Assert.True(to.StartsWith("/tmp/", StringComparison.Ordinal) || to.StartsWith('<'), $"an example writes to {to}:\n{help.StdOut}");
    }
}
