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
/// Low-rate steady state: one 1 kHz sensor queuing a batch of <c>--batch</c> samples every batch/1000 s (default 10:
/// 100 events/s) for <c>--seconds</c> (at most 10), shipped by the coordinator as they come into a real gateway, once per
/// pipeline depth (1 then 2), back to back. Prints the coordinator's <see cref="CoordinatorStats.IdleWithWorkQueued"/> (time
/// queued events waited while it was waiting for a commit's answer) against the run's length, and the commits made.
/// </summary>
internal static class SteadyStateBenchmark
{
    public static async Task RunAsync(TimeSpan duration, int batch)
    {
        var interval = TimeSpan.FromMilliseconds(batch);
        Console.WriteLine($"== edge steady: one 1 kHz sensor, a batch of {batch} samples queued every {interval.TotalMilliseconds:F0} ms for {duration.TotalSeconds:F0} s, " +
                          "shipped as it comes into a real gateway");
        var dir = Directory.CreateTempSubdirectory("edge-bench-steady").FullName;
        try
        {
            await using var gateway = await GatewayProcess.StartAsync(Path.Combine(dir, "gateway"));
            using var client = new GatewayClient(new GatewayClientOptions { Endpoint = gateway.Endpoint, CallTimeout = TimeSpan.FromMinutes(2) });
            foreach (var depth in EdgeBenchmarks.PipelineDepths)
            {
                using var queue = EventQueue.Open(Path.Combine(dir, $"queue-{depth}.db"), new QueueOptions { MaxBytes = long.MaxValue }, NullLogger.Instance);
                var coordinator = new TransactionCoordinator(queue, client, new StreamName("bench", $"steady-{depth}"),
                    new CoordinatorOptions { PipelineDepth = depth }, NoFaults.Instance, NullLogger.Instance);
                using var stop = new CancellationTokenSource();
                var run = coordinator.RunAsync(stop.Token);
                var clock = Stopwatch.StartNew();
                using var timer = new PeriodicTimer(interval);
                long next = 0;
                while (clock.Elapsed < duration && await timer.WaitForNextTickAsync())
                {
                    // One batch per tick (a late tick catches up, as the sampler's batches would have piled up).
                    for (; next * interval.Ticks <= clock.Elapsed.Ticks; next++)
                        queue.Enqueue(Batch(next * batch, batch));
                }
                var drained = await coordinator.WaitUntilDrainedAsync(TimeSpan.FromMinutes(1), CancellationToken.None);
                var elapsed = clock.Elapsed;
                await stop.CancelAsync();
                await run;
                var stats = coordinator.Stats;
                var idle = stats.IdleWithWorkQueued;
                Console.WriteLine($"  depth {depth}: {next} events queued, {stats.CommittedTransactions} transactions ({stats.PipelinedTransactions} pipelined) in " +
                                  $"{elapsed.TotalSeconds:F1} s; idle with work queued {idle.TotalMilliseconds:F1} ms = {idle / elapsed:P2} of the run, " +
                                  $"{idle.TotalMilliseconds / Math.Max(1, stats.CommittedTransactions):F3} ms per transaction{(drained ? "" : " — NOT drained")}");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static SampleBatch Batch(long first, int count) =>
        new SampleBatch("steady", first, Enumerable.Range(0, count).Select(i => 1_764_000_000_000_000_000L + (first + i) * 1_000_000).ToArray())
            .WithColumn("Value", Enumerable.Range(0, count).Select(i => Math.Sin(first + i)).ToArray());
}
