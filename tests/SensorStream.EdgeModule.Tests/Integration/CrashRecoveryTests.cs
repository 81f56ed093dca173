using SensorStream.EdgeModule.Tests.Support;
using SensorStream.EdgeModule.Transactions;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Testing;

namespace SensorStream.EdgeModule.Tests.Integration;

/// <summary>
/// kill -9 the collector at each step of the two-phase commit, restart it, stop it cleanly, and prove every
/// durable sample is in the stream exactly once, in order — against a gateway with explicit transactions (pending row
/// recorded before the one-call write + commit: after-pending is before the call, after-write = after-commit after it) and one
/// in <c>--protocol public</c> (the recorded-cut coordinator: its steps with an outcome to recover are after-pending and
/// after-write = after-commit; after-delete is the same code as in the extended run; after-rewrite has its own test).
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class CrashRecoveryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <remarks>
    /// Extended protocol, two transactions in flight (CoordinatorOptions.PipelineDepth 2): when more events were queued
    /// than one transaction takes, the next one's pending row may exist beside the crashed step's, hence a range.
    /// </remarks>
    [Theory]
    [InlineData(GatewayModes.Extended, "after-begin", 0, 0)]
    [InlineData(GatewayModes.Extended, "after-write", 1, 2)]
    [InlineData(GatewayModes.Extended, "after-pending", 1, 1)]
    [InlineData(GatewayModes.Extended, "after-commit", 1, 2)]
    [InlineData(GatewayModes.Extended, "after-delete:2", 0, 1)]
    [InlineData(GatewayModes.Public, "after-pending", 1, 1)]
    [InlineData(GatewayModes.Public, "after-write", 1, 1)]
    public async Task Crash_at_each_step_then_restart_delivers_every_sample_exactly_once(string mode, string crashAt, int minPendingAfterCrash, int maxPendingAfterCrash)
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
        Assert.InRange(afterCrash.Pending.Count, minPendingAfterCrash, maxPendingAfterCrash);
        var pendingAfterCrash = afterCrash.Pending.Count;
        Assert.All(afterCrash.Pending, p => Assert.Equal(mode == GatewayModes.Public, RecordedCut.IsRecordedCut(p)));
        Assert.All(afterCrash.Pending, p => Assert.Equal(mode == GatewayModes.Extended, WriteCommitPending.IsWriteCommit(p)));

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
        var txn = WriteCommitPending.GatewayTxnId(pending);
        using (var client = new GatewayClient(gateway.Endpoint.ToString()))
            Assert.Equal(TransactionState.Aborted, await client.AbortTransactionAsync(stream, txn));

        var output = await RunUntilSamplesThenTerminateAsync(gateway.Endpoint, stream, db, minimumPerSensor: 1000);

        Assert.Contains(output, l => l.Contains($"Recovery: transaction {txn}") && l.Contains("is Aborted"));
        var final = QueueFile.Inspect(db);
        var audit = await StreamAudit.ReadAsync(gateway.Endpoint, stream);
        foreach (var sensor in EdgeArgs.TwoSensors) audit.AssertExactlyOnce(sensor, final.Next[sensor]);
    }

    /// <summary>
    /// The one-call write + commit's new step: killed after the pending row was recorded and before the call, the
    /// transaction is OPEN at the gateway (begun, nothing written): recovery aborts it and writes the events again in a
    /// new transaction; killed right after the call, it is COMMITTED and recovery only deletes. Each run: the gateway's
    /// status of the recorded transaction asserted after the crash, the recovery's decision in the log, every sample
    /// exactly once.
    /// </summary>
    [Theory]
    [InlineData("after-pending:2", TransactionState.Open)]
    [InlineData("after-commit:2", TransactionState.Committed)]
    public async Task Killed_before_or_after_the_one_call_write_and_commit_recovers_by_the_gateway_status(string crashAt, TransactionState atCrash)
    {
        using var dir = new TempDirectory();
        await using var gateway = await GatewayProcess.StartAsync(dir.File("gateway"));
        var stream = new StreamName("edge", "one-call-" + crashAt.Replace(":", "-"));
        var db = dir.File("queue.db");
        using (var crashing = CollectorProcess.Start(EdgeArgs.For(gateway.Endpoint, stream.Stream, db),
                   new Dictionary<string, string> { [CrashPoints.EnvironmentVariable] = crashAt }))
            Assert.Equal(137, await crashing.WaitForExitAsync(Timeout));
        // after-commit: the next transaction may already be recorded beside it (two in flight); it is OPEN, never committed.
        var rows = QueueFile.Inspect(db).Pending;
        Assert.InRange(rows.Count, 1, atCrash == TransactionState.Committed ? 2 : 1);
        var pending = rows[0];
        Assert.True(WriteCommitPending.IsWriteCommit(pending));
        var txn = WriteCommitPending.GatewayTxnId(pending);
        using (var client = new GatewayClient(gateway.Endpoint.ToString()))
            Assert.Equal(atCrash, await client.GetTransactionStatusAsync(stream, txn));

        var output = await RunUntilSamplesThenTerminateAsync(gateway.Endpoint, stream, db, minimumPerSensor: 1000);

        // A committed range may instead be completed by the start-up check of the stream after the recorded tail
        // (Transactions/StreamTailCheck), which runs before recovery; an open one is always recovery's to abort.
        Assert.Contains(output, l => (l.Contains($"Recovery: transaction {txn}") && l.Contains($"is {atCrash}"))
                                     || (atCrash == TransactionState.Committed && l.Contains("events of pending transactions are already in the stream after the recorded tail: completed")));
        Assert.Equal(atCrash == TransactionState.Open ? 1 : 0,
            output.Count(l => l.Contains($"Recovery: transaction {txn} was open, so never committed: aborted it (Aborted)")));
        await Delivery.AssertEverySampleOnceAsync(gateway.Endpoint, stream, db);
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

    /// <summary>
    /// Two transactions in flight (one event each, so a backlog of two events already fills the pipeline). Killed at
    /// after-next-pending: N's one-call write + commit was sent (its outcome is the call's), N+1 begun and recorded but
    /// nothing of it sent, so OPEN. Killed at after-next-write: N's commit acknowledged, N+1's events written without
    /// commit, so N COMMITTED and N+1 OPEN holding all its events. Either way recovery takes the rows in queue order and
    /// aborts N+1 and writes its events again (never committed twice, never lost): every sample exactly once, in order.
    /// </summary>
    [Theory]
    [InlineData("after-next-pending", null)]
    [InlineData("after-next-write", TransactionState.Committed)]
    public async Task Killed_with_two_transactions_in_flight_recovers_both_in_order(string crashAt, TransactionState? firstAtCrash)
    {
        using var dir = new TempDirectory();
        await using var gateway = await GatewayProcess.StartAsync(dir.File("gateway"));
        var stream = new StreamName("edge", "pipelined-" + crashAt);
        var db = dir.File("queue.db");
        using (var crashing = CollectorProcess.Start(EdgeArgs.For(gateway.Endpoint, stream.Stream, db, batch: 20, txnMaxEvents: 1),
                   new Dictionary<string, string> { [CrashPoints.EnvironmentVariable] = crashAt }))
            Assert.Equal(137, await crashing.WaitForExitAsync(Timeout));
        var pending = QueueFile.Inspect(db).Pending;
        Assert.Equal(2, pending.Count);
        Assert.All(pending, p => Assert.True(WriteCommitPending.IsWriteCommit(p)));
        Assert.True(pending[0].LastId < pending[1].FirstId, $"rows {pending[0].FirstId}..{pending[0].LastId} and {pending[1].FirstId}..{pending[1].LastId} overlap");
        var (first, second) = (WriteCommitPending.GatewayTxnId(pending[0]), WriteCommitPending.GatewayTxnId(pending[1]));
        using (var client = new GatewayClient(gateway.Endpoint.ToString()))
        {
            if (firstAtCrash is { } expected) Assert.Equal(expected, await client.GetTransactionStatusAsync(stream, first));
            Assert.Equal(TransactionState.Open, await client.GetTransactionStatusAsync(stream, second));
        }

        var output = await RunUntilSamplesThenTerminateAsync(gateway.Endpoint, stream, db, minimumPerSensor: 1000);

        var abortSecond = output.ToList().FindIndex(l => l.Contains($"Recovery: transaction {second} was open, so never committed: aborted it (Aborted)"));
        Assert.True(abortSecond >= 0, $"no abort of {second} in:{Environment.NewLine}{string.Join(Environment.NewLine, output)}");
        // In queue order: the first row was resolved before the second (by recovery, or already by the start-up tail check).
        var resolvedFirst = output.ToList().FindIndex(l => l.Contains($"Recovery: transaction {first}")
                                                            || l.Contains("events of pending transactions are already in the stream after the recorded tail: completed"));
        Assert.InRange(resolvedFirst, 0, abortSecond - 1);
        Assert.Equal(1, output.Count(l => l.Contains($"Recovery: transaction {second}") && l.Contains("is Open")));
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

    /// <summary>
    /// Starts the collector, waits until the stream holds <paramref name="minimumPerSensor"/> samples of each sensor and
    /// 1000 beyond what the queue had numbered at the start (so the run itself made progress and was started before its
    /// SIGTERM, even when the crashed run had shipped a lot), SIGTERMs it.
    /// </summary>
    internal static async Task<IReadOnlyList<string>> RunUntilSamplesThenTerminateAsync(Uri gateway, StreamName stream, string db, long minimumPerSensor,
        params string[] extra)
    {
        var numbered = File.Exists(db) ? QueueFile.Inspect(db).Next : new Dictionary<string, long>();
        minimumPerSensor = Math.Max(minimumPerSensor, numbered.Values.DefaultIfEmpty().Max() + 1000);
        using var collector = CollectorProcess.Start(EdgeArgs.For(gateway, stream.Stream, db, extra: extra));
        await Poll.UntilAsync(async () =>
        {
            if (collector.HasExited) throw new Xunit.Sdk.XunitException($"collector exited early:{Environment.NewLine}{collector.Output}");
            var audit = await StreamAudit.ReadAsync(gateway, stream);
            return EdgeArgs.TwoSensors.All(s => audit.Samples(s) >= minimumPerSensor);
        }, Timeout, $"{minimumPerSensor} samples per sensor in {stream}");
        var exit = await collector.TerminateAsync(Timeout);
        Assert.True(exit == 0, $"collector exited with {exit}:{Environment.NewLine}{collector.Output}");
        Assert.Contains(collector.OutputLines, l => l.Contains("Collector stopped: queue drained"));
        return collector.OutputLines;
    }
}
