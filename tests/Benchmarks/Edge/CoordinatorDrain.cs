using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.EdgeModule.Queue;
using SensorStream.EdgeModule.Transactions;
using SensorStream.Streams.Client;
using SensorStream.Streams.Events;
using SensorStream.Streams.Naming;

namespace SensorStream.Benchmarks.Edge;

/// <summary>The edge benchmarks' timed drain: a queue of given events shipped by a coordinator until it is empty.</summary>
internal static class CoordinatorDrain
{
    /// <summary>
    /// Queues <paramref name="payloads"/> in a new queue at <paramref name="queuePath"/>, then times the coordinator
    /// (<paramref name="eventsPerTransaction"/>, pipeline <paramref name="depth"/>) from its start until the queue is empty;
    /// throws when not drained within 10 minutes. Returns the time and the coordinator's stats.
    /// </summary>
    public static async Task<(TimeSpan Elapsed, CoordinatorStats Stats)> RunAsync(string queuePath, GatewayClient client, StreamName stream,
        IReadOnlyList<SampleBatch> payloads, int eventsPerTransaction, int depth)
    {
        using var queue = EventQueue.Open(queuePath, new QueueOptions { MaxBytes = long.MaxValue }, NullLogger.Instance);
        foreach (var p in payloads) queue.Enqueue(p);
        var coordinator = new TransactionCoordinator(queue, client, stream,
            new CoordinatorOptions { MaxEventsPerTransaction = eventsPerTransaction, PipelineDepth = depth }, NoFaults.Instance, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var run = coordinator.RunAsync(stop.Token);
        var drained = await coordinator.WaitUntilDrainedAsync(TimeSpan.FromMinutes(10), CancellationToken.None);
        clock.Stop();
        await stop.CancelAsync();
        await run;
        if (!drained) throw new TimeoutException($"{stream}: not drained within 10 minutes ({coordinator.Stats.LastError})");
        return (clock.Elapsed, coordinator.Stats);
    }
}
