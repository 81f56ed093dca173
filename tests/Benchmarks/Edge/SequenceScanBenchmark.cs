using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.EdgeModule.Transactions;
using SensorStream.Streams.Client;
using SensorStream.Streams.Events;
using SensorStream.Streams.Naming;
using SensorStream.Streams.Protocol;
using SensorStream.Testing;

namespace SensorStream.Benchmarks.Edge;

/// <summary>
/// <c>edge sequence-scan [--events N]</c>: what a start without provable queue files pays to learn the sequences in use
/// (<see cref="StreamSequenceScan"/>) for a stream of N events (100-sample batches of 4 sensors, written with WriteEvents), against the raw
/// limit measured in the same run: a plain ReadEvents of the same stream head to tail (nothing parsed). Then what every
/// normal start with a recorded stream tail pays (<see cref="StreamTailCheck"/>): the same scan from the tail recorded
/// before the last commit (5 events: the collector's default transaction) to the tail.
/// </summary>
internal static class SequenceScanBenchmark
{
    public static async Task RunAsync(int events)
    {
        var dir = Directory.CreateTempSubdirectory("edge-bench-scan").FullName;
        try
        {
            await using var gateway = await GatewayProcess.StartAsync(Path.Combine(dir, "gateway"));
            using var client = new GatewayClient(gateway.Endpoint.ToString());
            var stream = new StreamName("bench", "scan");
            await client.EnsureStreamAsync(stream);
            var sensors = new[] { "a", "b", "c", "d" };
            long bytes = 0;
            const int lastCommit = 5;
            StreamCut? recorded = null;
            for (var written = 0; written < events + lastCommit;)
            {
                if (written == events) recorded = (await client.GetStreamInfoAsync(stream)).Tail; // the tail recorded with the commit before the last
                var chunk = Enumerable.Range(written, Math.Min(1000, (written < events ? events : events + lastCommit) - written)).Select(i =>
                {
                    var sensor = sensors[i % sensors.Length];
                    var first = i / sensors.Length * 100L;
                    var batch = new SampleBatch(sensor, first, Enumerable.Range(0, 100).Select(j => 1_764_000_000_000_000_000L + (first + j) * 1_000_000).ToArray())
                        .WithColumn("Sample", Enumerable.Range(0, 100).Select(j => first + j).ToArray());
                    var data = SampleBatchJson.Serialize(batch);
                    bytes += data.Length;
                    return new OutgoingEvent(sensor, data);
                }).ToList();
                await client.WriteEventsAsync(stream, chunk);
                written += chunk.Count;
            }
            Console.WriteLine($"== edge sequence scan: {events:N0} events, {bytes / 1048576.0:F1} MiB, {sensors.Length} sensors");
            await StreamSequenceScan.ReadAsync(client, stream, NullLogger.Instance, CancellationToken.None); // warm-up
            var raw = Stopwatch.StartNew();
            long read = 0;
            await foreach (var _ in client.ReadRangeAsync(stream)) read++;
            raw.Stop();
            var scan = await StreamSequenceScan.ReadAsync(client, stream, NullLogger.Instance, CancellationToken.None);
            Console.WriteLine($"  raw ReadEvents head to tail: {read:N0} events in {raw.ElapsedMilliseconds:N0} ms");
            Console.WriteLine($"  StreamSequenceScan: {scan.EventsRead:N0} events, {scan.Next.Count} sensors (a up to {scan.Next["a"] - 1}) in {scan.Elapsed.TotalMilliseconds:N0} ms " +
                              $"→ time scan/raw = {scan.Elapsed.TotalMilliseconds / raw.Elapsed.TotalMilliseconds:F2} (throughput ratio {raw.Elapsed.TotalMilliseconds / scan.Elapsed.TotalMilliseconds:F2}); load average {MachineLoad.LoadAverage()}");
            var check = await StreamSequenceScan.ReadAsync(client, stream, NullLogger.Instance, CancellationToken.None, recorded);
            Console.WriteLine($"  start-up check from the recorded tail: {check.EventsRead:N0} events, {check.BytesRead:N0} bytes in {check.Elapsed.TotalMilliseconds:N1} ms " +
                              $"→ ratio check/full scan = {check.Elapsed.TotalMilliseconds / scan.Elapsed.TotalMilliseconds:F4}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
