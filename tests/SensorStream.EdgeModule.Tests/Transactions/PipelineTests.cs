using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.EdgeModule.Queue;
using SensorStream.EdgeModule.Tests.Integration;
using SensorStream.EdgeModule.Tests.Support;
using SensorStream.EdgeModule.Transactions;
using SensorStream.Streams.Client;
using SensorStream.Streams.Events;
using SensorStream.Streams.Naming;
using SensorStream.Testing;

namespace SensorStream.EdgeModule.Tests.Transactions;

/// <summary>
/// The coordinator's pipeline (<see cref="CoordinatorOptions.PipelineDepth"/>) in process against a real gateway: a
/// backlog of two interleaved sensors drained one event per transaction, so every transaction after the first is taken
/// while its predecessor commits. The stream holds every sample once, in each sensor's order; the counts of pipelined
/// transactions are exact. And an abandon (the coordinator's in-process crash) right after N's commit was acknowledged
/// and N+1's events were written without commit: a new coordinator finds N committed and N+1 open, completes N, aborts
/// N+1 and writes it again — once.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class PipelineTests
{
    private const int EventsPerSensor = 20;
    private static readonly string[] Sensors = ["a", "b"];
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_backlog_drains_exactly_once_in_order_with_the_next_transaction_written_while_one_commits(int depth)
    {
        using var dir = new TempDirectory();
        await using var gateway = await GatewayProcess.StartAsync(dir.File("gateway"));
        var stream = new StreamName("edge", $"pipeline-depth-{depth}");
        using var queue = QueueWithBacklog(dir.File("queue.db"));
        using var client = new GatewayClient(gateway.Endpoint.ToString());

        var coordinator = Coordinator(queue, client, stream, depth, NoFaults.Instance);
        using var stop = new CancellationTokenSource();
        var run = coordinator.RunAsync(stop.Token);
        Assert.True(await coordinator.WaitUntilDrainedAsync(Timeout, CancellationToken.None), coordinator.Stats.LastError);
        await stop.CancelAsync();
        await run;

        Assert.Equal(Sensors.Length * EventsPerSensor, coordinator.Stats.CommittedTransactions);
        Assert.Equal(depth == 2 ? Sensors.Length * EventsPerSensor - 1 : 0, coordinator.Stats.PipelinedTransactions);
        Assert.Equal(0, coordinator.Stats.Errors);
        Assert.Empty(queue.Pending());
        var audit = await StreamAudit.ReadAsync(gateway.Endpoint, stream);
        foreach (var sensor in Sensors) audit.AssertExactlyOnce(sensor, EventsPerSensor * 10L);
    }

    [Fact]
    public async Task Abandoned_with_N_committed_and_N_plus_1_written_recovers_N_and_rewrites_N_plus_1_once()
    {
        using var dir = new TempDirectory();
        await using var gateway = await GatewayProcess.StartAsync(dir.File("gateway"));
        var stream = new StreamName("edge", "pipeline-abandoned");
        var db = dir.File("queue.db");
        using var client = new GatewayClient(gateway.Endpoint.ToString());
        using (var queue = QueueWithBacklog(db))
        {
            var crash = new AbandonAt(CoordinatorStep.AfterNextWrite);
            var coordinator = Coordinator(queue, client, stream, depth: 2, crash);
            await Assert.ThrowsAsync<AbandonAt.Abandoned>(() => coordinator.RunAsync(crash.Token));
            var pending = queue.Pending();
            Assert.Equal([(1L, 1L), (2L, 2L)], pending.Select(p => (p.FirstId, p.LastId)));
            Assert.Equal(TransactionState.Committed, await client.GetTransactionStatusAsync(stream, WriteCommitPending.GatewayTxnId(pending[0])));
            Assert.Equal(TransactionState.Open, await client.GetTransactionStatusAsync(stream, WriteCommitPending.GatewayTxnId(pending[1])));
        }
        var log = new TestLogger();
        using (var queue = EventQueue.Open(db, new QueueOptions { MaxBytes = long.MaxValue }, log))
        {
            var coordinator = Coordinator(queue, client, stream, depth: 2, NoFaults.Instance, log);
            using var stop = new CancellationTokenSource();
            var run = coordinator.RunAsync(stop.Token);
            Assert.True(await coordinator.WaitUntilDrainedAsync(Timeout, CancellationToken.None), coordinator.Stats.LastError);
            await stop.CancelAsync();
            await run;
            var lines = string.Join(Environment.NewLine, log.Lines);
            // N: committed, so only deleted — by recovery, or already by the start-up check of the stream after the recorded
            // tail (Transactions/StreamTailCheck), which completes pending events the stream holds.
            Assert.True(coordinator.Stats.RecoveredTransactions == 1
                        ^ log.Lines.Contains("Information: Queue: 1 events of pending transactions are already in the stream after the recorded tail: completed"), lines);
            Assert.True(coordinator.Stats.RewrittenTransactions == 1, lines); // N+1: open, aborted and written again
            Assert.Equal(Sensors.Length * EventsPerSensor - 1, coordinator.Stats.CommittedTransactions);
            Assert.Empty(queue.Pending());
        }
        var audit = await StreamAudit.ReadAsync(gateway.Endpoint, stream);
        foreach (var sensor in Sensors) audit.AssertExactlyOnce(sensor, EventsPerSensor * 10L);
    }

    [Fact]
    public async Task A_gateway_call_that_fails_as_the_stop_comes_ends_the_run_cleanly_with_the_events_queued()
    {
        using var dir = new TempDirectory();
        await using var gateway = await GatewayProcess.StartAsync(dir.File("gateway"));
        var stream = new StreamName("edge", "pipeline-stop-race");
        using var client = new GatewayClient(gateway.Endpoint.ToString());
        using var queue = QueueWithBacklog(dir.File("queue.db"));
        // The race a loaded machine widens (SIGTERM while a refused call is under way, SecureGatewayTests): the stop comes,
        // then the call in flight ends with UNAUTHENTICATED rather than CANCELLED. The run ends as stopped, not faulted.
        var faults = new StopThenFail(CoordinatorStep.AfterPending, new RpcException(new Status(StatusCode.Unauthenticated, "bad token")));
        var coordinator = Coordinator(queue, client, stream, depth: 1, faults);

        await coordinator.RunAsync(faults.Token).WaitAsync(Timeout);

        Assert.Equal(Sensors.Length * EventsPerSensor, queue.Stats().Events); // nothing shipped, nothing lost
        Assert.Single(queue.Pending()); // resolved at the next start
    }

    /// <summary>At <paramref name="step"/>: cancels the run's token (the stop), then throws <paramref name="error"/> (the call in flight failing).</summary>
    private sealed class StopThenFail(CoordinatorStep step, Exception error) : ICoordinatorFaults
    {
        private readonly CancellationTokenSource _cts = new();

        public CancellationToken Token => _cts.Token;

        public void At(CoordinatorStep reached)
        {
            if (reached != step || _cts.IsCancellationRequested) return;
            _cts.Cancel();
            throw error;
        }
    }

    private static TransactionCoordinator Coordinator(EventQueue queue, GatewayClient client, StreamName stream, int depth, ICoordinatorFaults faults,
        Microsoft.Extensions.Logging.ILogger? log = null) =>
        new(queue, client, stream, new CoordinatorOptions
        {
            MaxEventsPerTransaction = 1,
            PipelineDepth = depth,
            RetryFirstDelay = TimeSpan.FromMilliseconds(20),
            RetryMaxDelay = TimeSpan.FromMilliseconds(200),
        }, faults, log ?? NullLogger.Instance);

    /// <summary>A queue holding <see cref="EventsPerSensor"/> events of 10 samples per sensor, the sensors interleaved.</summary>
    private static EventQueue QueueWithBacklog(string path)
    {
        var queue = EventQueue.Open(path, new QueueOptions { MaxBytes = long.MaxValue }, NullLogger.Instance);
        for (var i = 0; i < EventsPerSensor; i++)
            foreach (var sensor in Sensors)
                queue.Enqueue(Batch(sensor, i * 10L));
        return queue;
    }

    /// <summary>Ten samples of <paramref name="sensor"/> from <paramref name="first"/>; the Sample column is the sequence (StreamAudit checks it).</summary>
    private static SampleBatch Batch(string sensor, long first) =>
        new SampleBatch(sensor, first, Enumerable.Range(0, 10).Select(i => 1_764_000_000_000_000_000L + (first + i) * 1_000_000).ToArray())
            .WithColumn("Sample", Enumerable.Range(0, 10).Select(i => first + i).ToArray());

    /// <summary>The coordinator's in-process crash: at <paramref name="step"/>, cancels its run and throws (nothing after it runs).</summary>
    private sealed class AbandonAt(CoordinatorStep step) : ICoordinatorFaults
    {
        private readonly CancellationTokenSource _cts = new();

        public CancellationToken Token => _cts.Token;

        public void At(CoordinatorStep reached)
        {
            if (reached != step || _cts.IsCancellationRequested) return;
            _cts.Cancel();
            throw new Abandoned();
        }

        public sealed class Abandoned() : Exception("abandoned at the crash point");
    }
}
