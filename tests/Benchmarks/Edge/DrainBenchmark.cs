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
/// Drain of a backlog of one 1 kHz sensor (default one hour: 3.6 M samples in 3600 events of 1000) from the
/// SQLite queue into a real gateway through the two-phase-commit coordinator, against a raw non-transactional
/// WriteEvents of the same events to the same gateway.
/// </summary>
internal static class DrainBenchmark
{
    public static async Task RunAsync(int backlogSeconds)
    {
        var events = backlogSeconds; // one event per second at 1 kHz, batch 1000
        Console.WriteLine($"== edge drain: {backlogSeconds} s of one 1 kHz sensor = {events} events of 1000 samples, into a real gateway");
        var dir = Directory.CreateTempSubdirectory("edge-bench-drain").FullName;
        try
        {
            await using var gateway = await GatewayProcess.StartAsync(Path.Combine(dir, "gateway"));
            var payloads = Enumerable.Range(0, events).Select(i => Batch(i * 1000L)).ToList();
            var bytes = payloads.Sum(p => (long)SampleBatchJson.Serialize(p).Length);

            using var queue = EventQueue.Open(Path.Combine(dir, "queue.db"), new QueueOptions { MaxBytes = long.MaxValue }, NullLogger.Instance);
            foreach (var p in payloads) queue.Enqueue(p);

            using var client = new GatewayClient(new GatewayClientOptions { Endpoint = gateway.Endpoint, CallTimeout = TimeSpan.FromMinutes(2) });
            var raw = await RawWriteAsync(client, payloads);

            var stream = new StreamName("bench", "drain");
            var coordinator = new TransactionCoordinator(queue, client, stream,
                new CoordinatorOptions { MaxEventsPerTransaction = 100 }, NoFaults.Instance, NullLogger.Instance);
            using var stop = new CancellationTokenSource();
            var clock = Stopwatch.StartNew();
            var run = coordinator.RunAsync(stop.Token);
            var drained = await coordinator.WaitUntilDrainedAsync(TimeSpan.FromMinutes(10), CancellationToken.None);
            clock.Stop();
            stop.Cancel();
            await run;
            var mb = bytes / 1024.0 / 1024.0;
            Console.WriteLine($"  raw WriteEvents (no transaction, no queue): {raw.TotalSeconds:F2} s ({mb / raw.TotalSeconds:F1} MiB/s)");
            Console.WriteLine($"  queue → 2PC drain: {clock.Elapsed.TotalSeconds:F2} s for {mb:F0} MiB ({mb / clock.Elapsed.TotalSeconds:F1} MiB/s, " +
                              $"{events * 1000 / clock.Elapsed.TotalSeconds / 1e6:F2} M samples/s){(drained ? "" : " — NOT drained")}");
            Console.WriteLine($"  → drain/raw time ratio {clock.Elapsed.TotalSeconds / raw.TotalSeconds:F2}; " +
                              $"{backlogSeconds / clock.Elapsed.TotalSeconds:F0}× faster than real time (goal: 1 h in ≤ 5 s = 720×)");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>One second of the 1 kHz sensor "drain": 1000 samples from sequence <paramref name="first"/>, 1 ms apart.</summary>
    internal static SampleBatch Batch(long first)
    {
        var t = Enumerable.Range(0, 1000).Select(i => 1_764_000_000_000_000_000L + (first + i) * 1_000_000).ToArray();
        return new SampleBatch("drain", first, t)
            .WithColumn("Sample", Enumerable.Range(0, 1000).Select(i => first + i).ToArray())
            .WithColumn("Value", Enumerable.Range(0, 1000).Select(i => Math.Sin(first + i)).ToArray());
    }

    private static async Task<TimeSpan> RawWriteAsync(GatewayClient client, List<SampleBatch> payloads)
    {
        var stream = new StreamName("bench", "raw");
        await client.EnsureStreamAsync(stream);
        var data = payloads.Select(p => new OutgoingEvent(p.SensorId, SampleBatchJson.Serialize(p))).ToList();
        var clock = Stopwatch.StartNew();
        foreach (var chunk in data.Chunk(100)) await client.WriteEventsAsync(stream, chunk);
        return clock.Elapsed;
    }
}
