using System.Diagnostics;
using System.Text.Json;
using SensorStream.Streams.Client;
using SensorStream.Streams.Events;
using SensorStream.Streams.Naming;
using SensorStream.Testing;

namespace SensorStream.EndToEnd.Tests;

/// <summary>
/// A follow-up verb after a run has ended starts the folder's gateway on its data; a process left holding that data
/// (here: a gateway started by hand) is named, with what to do, before anything starts; Ctrl-C, SIGTERM and SIGHUP
/// end a verb cleanly and stop the gateway it started.
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
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
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

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    [InlineData("HUP")]
    public async Task A_signal_ends_a_verb_with_exit_0_and_stops_the_gateway_it_started(string signal)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        foreach (var a in new[] { Repo.Dll("cli", "sensorstream"), "tail", _stream.ToString(), "--from-head", "--data-dir", _dir }) info.ArgumentList.Add(a);
        info.Environment["NO_COLOR"] = "1";
        using var tail = Process.Start(info)!;
        var lines = new List<string>();
        var stderr = tail.StandardError.ReadToEndAsync();
        var stdout = Task.Run(async () =>
        {
            while (await tail.StandardOutput.ReadLineAsync() is { } line)
                lock (lines) lines.Add(line);
        });
        int Rows() { lock (lines) return lines.Count; }
        try
        {
            // A header and the 3 events' 6 samples: the verb runs, holding the gateway it started, and waits for more.
            await Poll.UntilAsync(() => tail.HasExited ? throw new InvalidOperationException($"tail exited {tail.ExitCode}: {string.Join('\n', lines)}") : Rows() == 7,
                Timeout, "tail to print the stream's 6 samples");
            using (var kill = Process.Start("kill", ["-" + signal, tail.Id.ToString()])) await kill.WaitForExitAsync();
            using var exited = new CancellationTokenSource(Timeout);
            await tail.WaitForExitAsync(exited.Token);
            await stdout;
            Assert.True(tail.ExitCode == 0, $"exit {tail.ExitCode}: {await stderr}");
            Assert.DoesNotContain("unexpected error", await stderr);
        }
        finally
        {
            if (!tail.HasExited) tail.Kill(entireProcessTree: true);
        }
        // The verb's gateway is gone: a gateway on the same data starts (one holding it would be refused) and serves the 3 events.
        await using var after = await GatewayProcess.StartAsync(GatewayData);
        using var client = new GatewayClient(new GatewayClientOptions { Endpoint = after.Endpoint });
        Assert.Equal(3, await client.ReadRangeAsync(_stream).CountAsync());
    }
}
