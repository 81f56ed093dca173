using SensorStream.EdgeModule.Tests.Support;
using SensorStream.EdgeModule.Transactions;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Testing;

namespace SensorStream.EdgeModule.Tests.Integration;

/// <summary>
/// kill -9 the collector at each step of the two-phase commit, restart it, stop it cleanly, and prove every
/// durable sample is in the stream exactly once, in order — against a gateway with explicit transactions and one
/// in <c>--protocol public</c> (the recorded-cut coordinator: its steps with an outcome to recover are after-pending and
/// after-write = after-commit; after-delete is the same code as in the extended run; after-rewrite has its own test).
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class CrashRecoveryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData(GatewayModes.Extended, "after-begin", 0)]
    [InlineData(GatewayModes.Extended, "after-write", 0)]
    [InlineData(GatewayModes.Extended, "after-pending", 1)]
    [InlineData(GatewayModes.Extended, "after-commit", 1)]
    [InlineData(GatewayModes.Extended, "after-delete:2", 0)]
    [InlineData(GatewayModes.Public, "after-pending", 1)]
    [InlineData(GatewayModes.Public, "after-write", 1)]
    public async Task Crash_at_each_step_then_restart_delivers_every_sample_exactly_once(string mode, string crashAt, int pendingAfterCrash)
    {
        using var dir = new TempDirectory();
        await using var gateway = await GatewayModes.StartAsync(mode, dir.File("gateway"));
        var stream = new StreamName("edge", $"crash-{mode}-" + crashAt.Replace(":", "-"));
        var db = dir.File("queue.db");

        using (var crashing = CollectorProcess.Start(EdgeArgs.For(gateway.Endpoint, stream.Stream, db),
                   new Dictionary<string, string> { [CrashPoints.EnvironmentVariable] = crashAt }))
        {
            Assert.Equal(137, await crashing.WaitForExitAsync(Timeout)); // 128 + SIGKILL
            Assert.Contains($"killing the process at", crashing.Output);
        }
        var afterCrash = QueueFile.Inspect(db);
        Assert.Equal(pendingAfterCrash, afterCrash.Pending.Count);
        Assert.All(afterCrash.Pending, p => Assert.Equal(mode == GatewayModes.Public, RecordedCut.IsRecordedCut(p)));

        var output = await RunUntilSamplesThenTerminateAsync(gateway.Endpoint, stream, db, minimumPerSensor: afterCrash.Next.Values.DefaultIfEmpty().Max() + 1000);
        if (mode == GatewayModes.Public) Assert.Single(output, l => l.Contains(GatewayModes.SwitchLine));
        if (mode == GatewayModes.Public && pendingAfterCrash == 1)
            // Resolved by the read-back from the range's cut, or (committed, with a stream tail recorded before) already by the start-up
            // check of the stream after that tail, which completes pending events the stream holds (README "Rolled back with its sequence files").
            Assert.Contains(output, l => l.Contains("Recovery: events") && l.Contains("read back") && (l.Contains("are Committed") || l.Contains("are Absent"))
                                         || l.Contains("events of pending transactions are already in the stream after the recorded tail: completed"));

        await Delivery.AssertEverySampleOnceAsync(gateway.Endpoint, stream, db);
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

    /// <summary>
    /// Public protocol, restart during recovery: killed after recording a range (never written), then killed again in
    /// recovery right after the range was recorded afresh for its rewrite, then run to the end: written exactly once.
    /// </summary>
    [Fact]
    public async Task Public_protocol_killed_during_the_recovery_rewrite_still_delivers_exactly_once()
    {
        using var dir = new TempDirectory();
        await using var gateway = await GatewayModes.StartAsync(GatewayModes.Public, dir.File("gateway"));
        var stream = new StreamName("edge", "public-rewrite-crash");
        var db = dir.File("queue.db");
        using (var crashing = CollectorProcess.Start(EdgeArgs.For(gateway.Endpoint, stream.Stream, db),
                   new Dictionary<string, string> { [CrashPoints.EnvironmentVariable] = "after-pending:2" }))
            Assert.Equal(137, await crashing.WaitForExitAsync(Timeout));
        var first = Assert.Single(QueueFile.Inspect(db).Pending);

        using (var recovering = CollectorProcess.Start(EdgeArgs.For(gateway.Endpoint, stream.Stream, db),
                   new Dictionary<string, string> { [CrashPoints.EnvironmentVariable] = "after-rewrite" }))
        {
            Assert.Equal(137, await recovering.WaitForExitAsync(Timeout));
            Assert.Contains(recovering.OutputLines, l => l.Contains($"events {first.FirstId}..{first.LastId} are Absent"));
        }
        var second = Assert.Single(QueueFile.Inspect(db).Pending);
        Assert.Equal((first.FirstId, first.LastId), (second.FirstId, second.LastId));
        Assert.NotEqual(first.TxnId, second.TxnId); // a new cut, recorded before the rewrite

        await RunUntilSamplesThenTerminateAsync(gateway.Endpoint, stream, db, minimumPerSensor: 1000);
        await Delivery.AssertEverySampleOnceAsync(gateway.Endpoint, stream, db);
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
