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
/// WriteEvents of the same events to the same gateway; the drain once per pipeline depth (1 then 2, or
/// <c>--pipeline-depth N</c>), back to back.
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

            using var client = new GatewayClient(new GatewayClientOptions { Endpoint = gateway.Endpoint, CallTimeout = TimeSpan.FromMinutes(2) });
            var raw = await RawWriteAsync(client, payloads);
            var mb = bytes / 1024.0 / 1024.0;
            Console.WriteLine($"  raw WriteEvents (no transaction, no queue): {raw.TotalSeconds:F2} s ({mb / raw.TotalSeconds:F1} MiB/s)");

            // Back to back: one transaction at a time, then the pipeline (the next transaction written while one commits).
            foreach (var depth in EdgeBenchmarks.PipelineDepths)
            {
                var (elapsed, stats) = await CoordinatorDrain.RunAsync(Path.Combine(dir, $"queue-{depth}.db"), client, new StreamName("bench", $"drain-{depth}"),
                    payloads, eventsPerTransaction: 100, depth);
                Console.WriteLine($"  queue → 2PC drain, pipeline depth {depth}: {elapsed.TotalSeconds:F2} s for {mb:F0} MiB ({mb / elapsed.TotalSeconds:F1} MiB/s, " +
                                  $"{events * 1000 / elapsed.TotalSeconds / 1e6:F2} M samples/s; {stats.CommittedTransactions} transactions, " +
                                  $"{stats.PipelinedTransactions} pipelined)");
                Console.WriteLine($"  → depth {depth}: ratio drain ÷ raw throughput {raw.TotalSeconds / elapsed.TotalSeconds:F2} (drain ÷ raw time {elapsed.TotalSeconds / raw.TotalSeconds:F2}); " +
                                  $"{backlogSeconds / elapsed.TotalSeconds:F0}× faster than real time (goal: 1 h in ≤ 5 s = 720×)");
            }
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
