using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.EdgeModule.Queue;
using SensorStream.EdgeModule.Transactions;
using SensorStream.Streams.Client;
using SensorStream.Streams.Events;
using SensorStream.Streams.Naming;
using SensorStream.Testing;

namespace SensorStream.Benchmarks.Edge;

/// <summary>
/// The collector's two exactly-once protocols side by side (issue 17, docs/guarantees.md "Scaling out"), each against
/// a real gateway process: <c>extended</c> (explicit transaction ids) and <c>public</c> (the same gateway with
/// <c>--protocol public</c>: recorded cut + one transactional WriteEvents + read-back on recovery). For each mode:
/// <list type="number">
/// <item>drain of a backlog of one 1 kHz sensor (<c>--backlog-seconds</c>, default 3600 = one hour = 3600 events of
/// 1000 samples) in transactions of 100 events;</item>
/// <item>steady-state commit rate: <c>--commits</c> small events (10 samples) in transactions of one event each, so
/// every commit pays the protocol's whole per-transaction cost;</item>
/// <item>recovery after a crash with that backlog queued: the stream already holds the drained backlog, the queue
/// holds another one, and the collector dies right after its first transaction committed but before it deleted the
/// events (the state kill -9 leaves there: the queue and its pending row are committed SQLite; here the coordinator is
/// abandoned in-process instead of killing the benchmark). A new coordinator on the reopened queue resolves that
/// transaction; the time is from its start to the resolution, and for the public mode also the read-back alone.</item>
/// </list>
/// Prints the raw figures and the public/extended ratios.
/// </summary>
internal static class PublicProtocolBenchmark
{
    private static readonly StreamName Drained = new("bench", "drain");
    private static readonly StreamName Commits = new("bench", "commits");

    private sealed record Figures(TimeSpan Drain, TimeSpan Commits, TimeSpan Recovery, TimeSpan ReadBack, long ReadBackEvents);

    public static async Task RunAsync(int backlogSeconds, int commits)
    {
        Console.WriteLine($"== public vs extended protocol: backlog {backlogSeconds} s of one 1 kHz sensor ({backlogSeconds} events of 1000 samples" +
                          $"{(backlogSeconds == 3600 ? ", one hour" : $", {backlogSeconds / 3600.0:0.##} h; --backlog-seconds 3600 = one hour")}), " +
                          $"{commits} single-event commits, each mode against its own real gateway");
        var dir = Directory.CreateTempSubdirectory("edge-bench-protocol").FullName;
        try
        {
            // Extended once per pipeline depth (back to back); the public protocol ships one range at a time whatever the depth.
            Figures? extended = null;
            foreach (var depth in EdgeBenchmarks.PipelineDepths)
                extended = await MeasureAsync(Path.Combine(dir, $"extended-{depth}"), publicProtocol: false, depth, backlogSeconds, commits);
            var @public = await MeasureAsync(Path.Combine(dir, "public"), publicProtocol: true, 1, backlogSeconds, commits);
            double Ratio(Func<Figures, TimeSpan> f) => f(@public).TotalSeconds / f(extended!).TotalSeconds;
            Console.WriteLine($"  → public/extended (depth {EdgeBenchmarks.PipelineDepths[^1]}): drain time ×{Ratio(f => f.Drain):F2}, time per commit ×{Ratio(f => f.Commits):F2}, " +
                              $"recovery after a crash ×{Ratio(f => f.Recovery):F2}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<Figures> MeasureAsync(string dir, bool publicProtocol, int depth, int backlogSeconds, int commits)
    {
        var mode = publicProtocol ? "public" : $"extended depth {depth}";
        await using var gateway = await GatewayProcess.StartAsync(Path.Combine(dir, "gateway"), publicProtocol ? ["--protocol", "public"] : []);
        using var client = new GatewayClient(new GatewayClientOptions { Endpoint = gateway.Endpoint, CallTimeout = TimeSpan.FromMinutes(2) });

        var backlog = Enumerable.Range(0, backlogSeconds).Select(i => DrainBenchmark.Batch(i * 1000L)).ToList();
        var bytes = backlog.Sum(p => (long)SampleBatchJson.Serialize(p).Length);
        var (drain, _) = await CoordinatorDrain.RunAsync(Path.Combine(dir, "drain.db"), client, Drained, backlog, eventsPerTransaction: 100, depth);
        Console.WriteLine($"  {mode,-8} drain: {drain.TotalSeconds:F2} s for {bytes / 1048576.0:F0} MiB ({backlogSeconds * 1000 / drain.TotalSeconds / 1e6:F2} M samples/s, " +
                          $"{backlogSeconds / drain.TotalSeconds:F0}× real time)");

        var small = Enumerable.Range(0, commits).Select(i => new SampleBatch("commit", i * 10L, Enumerable.Range(0, 10).Select(j => 1_764_000_000_000_000_000L + (i * 10L + j) * 1_000_000).ToArray())
            .WithColumn("Value", Enumerable.Range(0, 10).Select(j => (double)j).ToArray())).ToList();
        var (commitTime, commitStats) = await CoordinatorDrain.RunAsync(Path.Combine(dir, "commits.db"), client, Commits, small, eventsPerTransaction: 1, depth);
        var committed = commitStats.CommittedTransactions;
        Console.WriteLine($"  {mode,-8} steady-state commits: {committed / commitTime.TotalSeconds:F0} transactions/s " +
                          $"({commitTime.TotalMilliseconds / committed:F2} ms each, {committed} of one event, {commitStats.PipelinedTransactions} pipelined)");

        // Recovery: another backlog (continuing the sequence) queued, crash right after the first transaction committed.
        var more = Enumerable.Range(backlogSeconds, backlogSeconds).Select(i => DrainBenchmark.Batch(i * 1000L)).ToList();
        var queuePath = Path.Combine(dir, "crash.db");
        using (var queue = EventQueue.Open(queuePath, new QueueOptions { MaxBytes = long.MaxValue }, NullLogger.Instance))
        {
            foreach (var p in more) queue.Enqueue(p);
            var crash = new CrashAfterCommit();
            var coordinator = new TransactionCoordinator(queue, client, Drained, new CoordinatorOptions { PipelineDepth = depth }, crash, NullLogger.Instance);
            var run = coordinator.RunAsync(crash.Token);
            var died = await Assert.ThrowsAnyAsync(run);
            if (died is not SimulatedCrash) throw new InvalidOperationException($"{mode}: the coordinator failed before the crash point: {died}");
        }
        using (var queue = EventQueue.Open(queuePath, new QueueOptions { MaxBytes = long.MaxValue }, NullLogger.Instance))
        {
            var crashed = queue.Pending()[0];
            var resolved = new StopAtFirstDelete();
            var coordinator = new TransactionCoordinator(queue, client, Drained, new CoordinatorOptions { PipelineDepth = depth }, resolved, NullLogger.Instance);
            await coordinator.RunAsync(resolved.Token); // ends at the first delete: the recovered transaction's
            // Resolved by recovery, or (committed, with a stream tail recorded) already by the start-up check of the stream after that tail.
            if (queue.Pending().Any(p => p.TxnId == crashed.TxnId))
                throw new InvalidOperationException($"{mode}: recovery ended without resolving the transaction: {coordinator.Stats.LastError}");
            var stats = coordinator.Stats;
            Console.WriteLine($"  {mode,-8} recovery after a crash with {backlogSeconds} events queued and {backlogSeconds} in the stream: {resolved.Elapsed.TotalMilliseconds:F1} ms " +
                              (publicProtocol
                                  ? $"(read-back {stats.LastRecoveryRead.TotalMilliseconds:F1} ms over {stats.RecoveryReadEvents} events: from the recorded cut, not the whole stream)"
                                  : "(committed: one GetTransactionStatus, or the start-up check of the stream after the recorded tail)"));
            return new Figures(drain, commitTime / committed, resolved.Elapsed, stats.LastRecoveryRead, stats.RecoveryReadEvents);
        }
    }

    /// <summary>Abandons the coordinator right after its first commit: cancels its run and throws <see cref="SimulatedCrash"/>.</summary>
    private sealed class CrashAfterCommit : ICoordinatorFaults
    {
        private readonly CancellationTokenSource _cts = new();

        public CancellationToken Token => _cts.Token;

        public void At(CoordinatorStep step)
        {
            if (step != CoordinatorStep.AfterCommit) return;
            _cts.Cancel();
            throw new SimulatedCrash();
        }
    }

    /// <summary>Times from its creation to the coordinator's first delete of committed events, then cancels the run.</summary>
    private sealed class StopAtFirstDelete : ICoordinatorFaults
    {
        private readonly CancellationTokenSource _cts = new();
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        public CancellationToken Token => _cts.Token;

        public TimeSpan Elapsed { get; private set; }

        public void At(CoordinatorStep step)
        {
            if (step != CoordinatorStep.AfterDelete || _cts.IsCancellationRequested) return;
            Elapsed = _clock.Elapsed;
            _cts.Cancel();
        }
    }

    private sealed class SimulatedCrash() : Exception("simulated crash after the commit");

    private static class Assert
    {
        public static async Task<Exception> ThrowsAnyAsync(Task task)
        {
            try
            {
                await task;
            }
            catch (Exception e)
            {
                return e;
            }
            throw new InvalidOperationException("the coordinator ended without crashing");
        }
    }
}
