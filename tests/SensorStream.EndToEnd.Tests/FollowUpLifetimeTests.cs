using System.Diagnostics;
using System.Text.Json;
using SensorStream.Streams.Client;
using SensorStream.Streams.Events;
using SensorStream.Streams.Naming;
using SensorStream.Testing;

namespace SensorStream.EndToEnd.Tests;

/// <summary>
/// A follow-up verb after a run has ended starts the folder's gateway on its data: that gateway never outlives the verb
/// — not at Ctrl-C (the verb stops it), not at kill -9 of the CLI (the kernel's parent-death signal stops it) — and a
/// process left holding the folder's data (here: a gateway started by hand) is named, with what to do, before anything starts.
/// </summary>
public sealed class FollowUpLifetimeTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly string _dir = OneCommandRunTests.NewDataDir();
    private readonly StreamName _stream = new("sensorstream", "sensors");
    private string GatewayData => Path.Combine(_dir, "gateway");

    /// <summary>An ended run's folder: the gateway's data with 3 events of one sensor, and last-run.json.</summary>
    public async Task InitializeAsync()
    {
        await using (var gateway = await GatewayProcess.StartAsync(GatewayData))
        {
            using var client = new GatewayClient(new GatewayClientOptions { Endpoint = gateway.Endpoint });
            await client.EnsureStreamAsync(_stream);
            await client.WriteEventsAsync(_stream, Enumerable.Range(0, 3).Select(b =>
                new OutgoingEvent("syn-a", SampleBatchJson.Serialize(new SampleBatch("syn-a", b * 2, [b * 2000L, b * 2000L + 1000]).WithColumn("Value", new[] { 0.5, 0.25 })))));
        }
        await File.WriteAllTextAsync(Path.Combine(_dir, "last-run.json"), JsonSerializer.Serialize(new
        {
            Stream = _stream.ToString(), Sensors = new[] { "synthetic:a" }, Started = DateTimeOffset.UtcNow.AddMinutes(-2),
            Ended = DateTimeOffset.UtcNow.AddMinutes(-1), Secure = false,
        }));
    }

    public Task DisposeAsync()
    {
        foreach (var pid in ProcessesUsing(GatewayData)) Process.GetProcessById(pid).Kill(); // only if a test failed
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("INT")]  // Ctrl-C: the verb stops its gateway before it exits
    [InlineData("TERM")]
    [InlineData("KILL")] // kill -9: the kernel sends the gateway SIGTERM (PR_SET_PDEATHSIG)
    public async Task The_gateway_a_follow_up_verb_started_ends_with_it(string signal)
    {
        using var tail = StartCli("tail", _stream.ToString(), "--from-head", "--data-dir", _dir);
        var stdout = tail.StandardOutput.ReadToEndAsync();
        var stderr = tail.StandardError.ReadToEndAsync();
        // The gateway tail started says it listens (its output goes to the log through the CLI): the signal comes while
        // tail has its gateway up, either still probing it or already following the stream.
        var log = Path.Combine(_dir, "logs", "gateway.log");
        await Poll.UntilAsync(() => (File.Exists(log) && File.ReadAllText(log).Contains("Listening on", StringComparison.Ordinal)) || tail.HasExited,
            Timeout, "the gateway started by `tail` to listen");
        Assert.False(tail.HasExited, $"tail exited {(tail.HasExited ? tail.ExitCode : 0)}: {await stderr}");
        var gateway = Assert.Single(ProcessesUsing(GatewayData));

        using (var kill = Process.Start("kill", ["-" + signal, tail.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();
        using var cts = new CancellationTokenSource(Timeout);
        await tail.WaitForExitAsync(cts.Token);
        // Following: Ctrl-C is how tail ends (0); still starting its gateway: interrupted (130). Never a failure code.
        if (signal != "KILL") Assert.True(tail.ExitCode is 0 or 130, $"tail at SIG{signal}: exit {tail.ExitCode}: {await stderr}");
        await Poll.UntilAsync(() => !ProcessesUsing(GatewayData).Contains(gateway), Timeout, $"gateway {gateway} to end after SIG{signal} to its CLI");

        // Nothing is left holding the folder: the next verb works.
        var verify = await CliRun.RunAsync(Timeout, "verify", _stream.ToString(), "--data-dir", _dir);
        Assert.True(verify.ExitCode == 0, verify.All + await stdout);
    }

    [Fact]
    public async Task A_leftover_process_on_the_data_is_named_with_what_to_do_before_anything_starts()
    {
        await using var leftover = await GatewayProcess.StartAsync(GatewayData);
        var result = await CliRun.RunAsync(Timeout, "verify", _stream.ToString(), "--data-dir", _dir);
        Assert.True(result.ExitCode == 4, result.All);
        var line = result.StdErr.Trim().Split('\n')[^1]; // after the progress line "[sensorstream] the run in … ended; starting its gateway …"
        Assert.StartsWith($"sensorstream: the data folder {_dir} is still used by process {leftover.ProcessId} (", line);
        Assert.EndsWith($"stop it with `kill {leftover.ProcessId}` and try again", line);
        Assert.False(leftover.HasExited);
        Assert.False(Directory.Exists(Path.Combine(_dir, "logs")), "nothing was started");
    }

    private static Process StartCli(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        info.ArgumentList.Add(Repo.Dll("cli", "sensorstream"));
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["NO_COLOR"] = "1";
        return Process.Start(info)!;
    }

    /// <summary>Processes with a command-line argument inside <paramref name="folder"/> (/proc/PID/cmdline).</summary>
    private static List<int> ProcessesUsing(string folder)
    {
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0').Any(a => a == folder || a.StartsWith(folder + "/", StringComparison.Ordinal)))
                    pids.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return pids;
    }
}
