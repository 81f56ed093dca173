using System.Globalization;

namespace SensorStream.Benchmarks.Gateway;

/// <summary>
/// <c>gateway committed-ids [--ids N]</c>: see <see cref="CommittedIdsMemoryBenchmark"/>.
/// <c>gateway [--seconds N] [--warmup N] [--event-bytes 1024|65536] [--writers 1|8] [--separate]</c>: transactional write throughput of the real gateway (a child process) for 1 KiB and
/// 64 KiB events with 1 and 8 concurrent writers, each printed as a ratio to raw append+fsync of the same bytes in the
/// same batches, measured in the same run. Each transaction is begun, then written and committed in one call, as the
/// collector does (<c>--separate</c>: write, then commit, the three calls of clients before the combined call).
/// With one writer it also prints the round-trip bound: the raw batch's time plus the transaction's round trips, each
/// at least a BeginTransaction's latency (an in-memory call: no I/O), caps what any sequential writer reaches.
/// </summary>
public static class GatewayBenchmarks
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.FirstOrDefault() == "committed-ids")
        {
            CommittedIdsMemoryBenchmark.Run(BenchmarkArgs.Option(args, "--ids", 1_000_000));
            return 0;
        }
        var seconds = BenchmarkArgs.Option(args, "--seconds", 5);
        var duration = TimeSpan.FromSeconds(seconds);
        var warmup = TimeSpan.FromSeconds(BenchmarkArgs.Option(args, "--warmup", 10));
        Console.WriteLine($"== gateway: transactional writes vs raw append+fsync, {seconds} s per case after {warmup.TotalSeconds} s of warm-up, {Environment.ProcessorCount} cores, load average {MachineLoad.LoadAverage()}");
        Console.WriteLine($"{"event",8} {"writers",7} {"ev/txn",6} | {"gateway ev/s",12} {"MB/s",8} | {"raw ev/s",12} {"MB/s",8} | ratio");
        var results = new List<double>();
        var onlyBytes = BenchmarkArgs.Option(args, "--event-bytes", 0);
        var onlyWriters = BenchmarkArgs.Option(args, "--writers", 0);
        var combined = !args.Contains("--separate");
        Console.WriteLine(combined
            ? "each transaction: BeginTransaction, then WriteAndCommitTransaction (events + commit in one call, one fsync), as the collector writes"
            : "(--separate: each transaction: BeginTransaction, WriteTransactionEvents, CommitTransaction — three calls, two fsyncs)");
        foreach (var (eventBytes, perTxn) in new[] { (1024, 100), (64 * 1024, 16) })
            foreach (var writers in new[] { 1, 8 })
            {
                if ((onlyBytes > 0 && eventBytes != onlyBytes) || (onlyWriters > 0 && writers != onlyWriters)) continue;
                var workload = new WriteWorkload(eventBytes, perTxn, writers, duration, combined) { Warmup = warmup };
                var raw = RawAppendBaseline.Run(workload);
                var gateway = await TransactionalWriteBenchmark.RunAsync(workload);
                var ratio = gateway.BytesPerSecond / raw.BytesPerSecond;
                results.Add(ratio);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{eventBytes / 1024,6}Ki {writers,7} {perTxn,6} | {gateway.EventsPerSecond,12:N0} {gateway.BytesPerSecond / 1e6,8:N1} | {raw.EventsPerSecond,12:N0} {raw.BytesPerSecond / 1e6,8:N1} | {ratio:N2}"));
                Console.WriteLine($"{"",24}{gateway.Phases}");
                // The CPU bound: at these costs per event, the machine's cores running nothing else would carry at most this.
                var cpuBound = gateway.CpuMicrosPerEvent > 0 ? Environment.ProcessorCount * 1e6 / gateway.CpuMicrosPerEvent : double.PositiveInfinity;
                if (writers == 1 && gateway.Phases is { } phases && raw.EventsPerSecond > 0)
                {
                    // A sequential writer waits for every round trip of a transaction; none is shorter than a begin
                    // (no I/O), and the durable batch itself takes at least what the raw writer's takes.
                    var rawBatchMs = 1000.0 * perTxn / raw.EventsPerSecond;
                    var trips = combined ? 2 : 3;
                    var floorMs = rawBatchMs + trips * phases.BeginMilliseconds;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{"",24}round-trip bound: raw batch {rawBatchMs:N2} ms + {trips} round trips x {phases.BeginMilliseconds:N2} ms (a begin's latency) = {floorMs:N2} ms per transaction: at most {rawBatchMs / floorMs:N2} of raw for one sequential writer"));
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{"",24}CPU per event: gateway + client {gateway.CpuMicrosPerEvent:N1} µs, raw {raw.CpuMicrosPerEvent:N1} µs; all {Environment.ProcessorCount} cores would carry at most {cpuBound:N0} ev/s = {cpuBound / raw.EventsPerSecond:N2} of raw"));
            }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"target ratio >= 0.8; lowest {results.Min():N2}, highest {results.Max():N2}"));
        return 0;
    }
}
