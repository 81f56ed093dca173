using SensorStream.EdgeModule.Tests.Support;
using SensorStream.EdgeModule.Transactions;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Testing;

namespace SensorStream.EdgeModule.Tests.Integration;

/// <summary>
/// kill -9 the collector at each step of the two-phase commit, restart it, stop it cleanly, and prove every
/// durable sample is in the stream exactly once, in order.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class CrashRecoveryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("after-begin", 0)]
    [InlineData("after-write", 0)]
    [InlineData("after-pending", 1)]
    [InlineData("after-commit", 1)]
    [InlineData("after-delete:2", 0)]
    public async Task Crash_at_each_step_then_restart_delivers_every_sample_exactly_once(string crashAt, int pendingAfterCrash)
    {
        using var dir = new TempDirectory();
        await using var gateway = await GatewayProcess.StartAsync(dir.File("gateway"));
        var stream = new StreamName("edge", "crash-" + crashAt.Replace(":", "-"));
        var db = dir.File("queue.db");

        using (var crashing = CollectorProcess.Start(EdgeArgs.For(gateway.Endpoint, stream.Stream, db),
                   new Dictionary<string, string> { [CrashPoints.EnvironmentVariable] = crashAt }))
        {
            Assert.Equal(137, await crashing.WaitForExitAsync(Timeout)); // 128 + SIGKILL
            Assert.Contains($"killing the process at", crashing.Output);
        }
        var afterCrash = QueueFile.Inspect(db);
        Assert.Equal(pendingAfterCrash, afterCrash.Pending.Count);

        await RunUntilSamplesThenTerminateAsync(gateway.Endpoint, stream, db, minimumPerSensor: afterCrash.Next.Values.DefaultIfEmpty().Max() + 1000);

        var final = QueueFile.Inspect(db);
        Assert.Equal(0, final.Stats.Events);
        Assert.Empty(final.Pending);
        Assert.Empty(final.Losses);
        var audit = await StreamAudit.ReadAsync(gateway.Endpoint, stream);
        foreach (var sensor in EdgeArgs.TwoSensors) audit.AssertExactlyOnce(sensor, final.Next[sensor]);
    }

    [Fact]
    public async Task A_pending_transaction_aborted_meanwhile_is_rewritten_once()
    {
        using var dir = new TempDirectory();
        await using var gateway = await GatewayProcess.StartAsync(dir.File("gateway"));
        var stream = new StreamName("edge", "aborted-pending");
        var db = dir.File("queue.db");
        using (var crashing = CollectorProcess.Start(EdgeArgs.For(gateway.Endpoint, stream.Stream, db),
                   new Dictionary<string, string> { [CrashPoints.EnvironmentVariable] = "after-pending:3" }))
            Assert.Equal(137, await crashing.WaitForExitAsync(Timeout));
        var pending = Assert.Single(QueueFile.Inspect(db).Pending);
        using (var client = new GatewayClient(gateway.Endpoint.ToString()))
            Assert.Equal(TransactionState.Aborted, await client.AbortTransactionAsync(stream, pending.TxnId));

        var output = await RunUntilSamplesThenTerminateAsync(gateway.Endpoint, stream, db, minimumPerSensor: 1000);

        Assert.Contains(output, l => l.Contains($"Recovery: transaction {pending.TxnId}") && l.Contains("is Aborted"));
        var final = QueueFile.Inspect(db);
        var audit = await StreamAudit.ReadAsync(gateway.Endpoint, stream);
        foreach (var sensor in EdgeArgs.TwoSensors) audit.AssertExactlyOnce(sensor, final.Next[sensor]);
    }

    [Fact]
    public async Task Invalid_configuration_exits_non_zero_with_one_line_naming_the_setting()
    {
        using var bad = CollectorProcess.Start(["--gateway", "http://127.0.0.1:1", "--scope", "s", "--stream", "t", "--sensor", "synthetic:a", "--rate", "fast"]);
        Assert.Equal(2, await bad.WaitForExitAsync(Timeout));
        var line = Assert.Single(bad.OutputLines);
        Assert.Equal("[stderr] error: setting Rate (--rate, SENSORSTREAM_RATE, appsettings SensorStream:Rate): 'fast' is not a number", line);
    }

    /// <summary>Starts the collector, waits until the stream holds <paramref name="minimumPerSensor"/> samples of each sensor, SIGTERMs it.</summary>
    internal static async Task<IReadOnlyList<string>> RunUntilSamplesThenTerminateAsync(Uri gateway, StreamName stream, string db, long minimumPerSensor,
        params string[] extra)
    {
        using var collector = CollectorProcess.Start(EdgeArgs.For(gateway, stream.Stream, db, extra: extra));
        await Poll.UntilAsync(async () =>
        {
            if (collector.HasExited) throw new Xunit.Sdk.XunitException($"collector exited early:{Environment.NewLine}{collector.Output}");
            var audit = await StreamAudit.ReadAsync(gateway, stream);
            return EdgeArgs.TwoSensors.All(s => audit.Samples(s) >= minimumPerSensor);
        }, Timeout, $"{minimumPerSensor} samples per sensor in {stream}");
        Assert.Equal(0, await collector.TerminateAsync(Timeout));
        Assert.Contains(collector.OutputLines, l => l.Contains("Collector stopped: queue drained"));
        return collector.OutputLines;
    }
}
