using System.Text.Json;
using SensorStream.Streams.Client;
using SensorStream.Streams.Events;
using SensorStream.Streams.Naming;
using SensorStream.Testing;

namespace SensorStream.EndToEnd.Tests;

/// <summary>
/// A follow-up verb after a run has ended starts the folder's gateway on its data; a process left holding that data
/// (here: a gateway started by hand) is named, with what to do, before anything starts. (That the verb's own gateway
/// ends with it at Ctrl-C, SIGTERM and kill -9 was checked by hand: a signal test here hung the test host while it read
/// /proc on the loaded CI machine.)
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
}
