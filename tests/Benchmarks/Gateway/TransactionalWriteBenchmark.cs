using System.Diagnostics;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Testing;

namespace SensorStream.Benchmarks.Gateway;

/// <summary>
/// The gateway side: a real gateway process on a fresh data directory; each writer repeats begin → write one batch
/// (one WriteTransactionEvents call) → commit, on its own routing key. Counted only once the commit answered COMMITTED,
/// after a warm-up of the same load (<see cref="WriteWorkload.Warmup"/>).
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
            // Warm-up, not counted: a fresh process spends its first seconds in the JIT (tiered compilation), which is
            // not what a long-running gateway costs.
            await RunWritersAsync(client, stream, workload, workload.Warmup, new PhaseTimes(), (_, _) => { });
            long events = 0, bytes = 0;
            var phases = new PhaseTimes();
            var (gatewayCpu, clientCpu) = (ProcessCpu.Of(gateway.ProcessId), ProcessCpu.OfThisProcess());
            var clock = Stopwatch.StartNew();
            await RunWritersAsync(client, stream, workload, workload.Duration, phases, (e, b) =>
            {
                Interlocked.Add(ref events, e);
                Interlocked.Add(ref bytes, b);
            });
            var elapsed = clock.Elapsed;
            var (gatewayUsed, clientUsed) = (ProcessCpu.Of(gateway.ProcessId) - gatewayCpu, ProcessCpu.OfThisProcess() - clientCpu);
            phases.AddCpu(gatewayUsed, clientUsed);
            await gateway.StopAsync();
            return new Throughput(events, bytes, elapsed) { Phases = phases, Cpu = gatewayUsed + clientUsed };
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static Task RunWritersAsync(GatewayClient client, StreamName stream, WriteWorkload workload, TimeSpan duration, PhaseTimes phases,
        Action<long, long> committed)
    {
        var clock = Stopwatch.StartNew();
        return Task.WhenAll(Enumerable.Range(0, workload.Writers).Select(w => Task.Run(async () =>
            {
                var batch = Enumerable.Range(0, workload.EventsPerTransaction)
                    .Select(i => new OutgoingEvent("writer-" + w, workload.Event(w, i))).ToList();
                while (clock.Elapsed < duration)
                {
                    var t0 = clock.Elapsed;
                    var txn = await client.BeginTransactionAsync(stream, TimeSpan.FromMinutes(1));
                    var t1 = clock.Elapsed;
                    var state = workload.Combined ? await client.WriteAndCommitTransactionAsync(stream, txn, batch) : TransactionState.Unknown;
                    if (!workload.Combined) await client.WriteTransactionEventsAsync(stream, txn, batch);
                    var t2 = clock.Elapsed;
                    if (!workload.Combined) state = await client.CommitTransactionAsync(stream, txn);
                    phases.Add(t1 - t0, t2 - t1, clock.Elapsed - t2);
                    if (state != TransactionState.Committed)
                        throw new InvalidOperationException($"transaction {txn} did not commit");
                    committed(batch.Count, (long)batch.Count * workload.EventBytes);
                }
            })));
    }
}
