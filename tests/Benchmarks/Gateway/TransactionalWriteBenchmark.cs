using System.Diagnostics;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Testing;

namespace SensorStream.Benchmarks.Gateway;

/// <summary>
/// The gateway side: a real gateway process on a fresh data directory; each writer repeats begin → write one batch
/// (one WriteTransactionEvents call) → commit, on its own routing key. Counted only once the commit answered COMMITTED.
/// </summary>
public static class TransactionalWriteBenchmark
{
    public static async Task<Throughput> RunAsync(WriteWorkload workload)
    {
        var dir = Directory.CreateTempSubdirectory("gw-bench").FullName;
        try
        {
            await using var gateway = await GatewayProcess.StartAsync(dir);
            using var client = new GatewayClient(gateway.Endpoint.ToString());
            var stream = new StreamName("bench", $"w{workload.Writers}-e{workload.EventBytes}");
            await client.EnsureStreamAsync(stream, segments: Math.Max(1, workload.Writers));
            long events = 0, bytes = 0;
            var phases = new PhaseTimes();
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, workload.Writers).Select(w => Task.Run(async () =>
            {
                var batch = Enumerable.Range(0, workload.EventsPerTransaction)
                    .Select(i => new OutgoingEvent("writer-" + w, workload.Event(w, i))).ToList();
                while (clock.Elapsed < workload.Duration)
                {
                    var t0 = clock.Elapsed;
                    var txn = await client.BeginTransactionAsync(stream, TimeSpan.FromMinutes(1));
                    var t1 = clock.Elapsed;
                    await client.WriteTransactionEventsAsync(stream, txn, batch);
                    var t2 = clock.Elapsed;
                    var state = await client.CommitTransactionAsync(stream, txn);
                    phases.Add(t1 - t0, t2 - t1, clock.Elapsed - t2);
                    if (state != TransactionState.Committed)
                        throw new InvalidOperationException($"transaction {txn} did not commit");
                    Interlocked.Add(ref events, batch.Count);
                    Interlocked.Add(ref bytes, (long)batch.Count * workload.EventBytes);
                }
            })));
            var elapsed = clock.Elapsed;
            await gateway.StopAsync();
            return new Throughput(events, bytes, elapsed) { Phases = phases };
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
