using System.Diagnostics;
using System.Globalization;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Parquet;
using SensorStream.Benchmarks.Gateway;
using SensorStream.Cli.Local;
using SensorStream.Cli.Processes;
using SensorStream.Streams.Events;
using SensorStream.Streams.Exporting;
using SensorStream.Streams.Naming;

namespace SensorStream.Benchmarks.EndToEnd;

/// <summary>
/// <c>e2e [--seconds N] [--sensors N] [--timer-seconds N] [--roll-seconds N]</c>: the whole local pipeline (Azurite,
/// gateway, cloud host, collector — the processes <c>sensorstream run</c> starts) with N synthetic sensors at 1 kHz.
/// Prints (1) the latency from a sample's time to the moment its Parquet file exists in Blob Storage (the blob's
/// Last-Modified), p50/p99/max over every sample of the steady window, each also as a multiple of the export cadence
/// (roll time + one mirror and one export timer period: the delay the timers alone impose on a sample), and (2) the
/// collector's CPU per 1 kHz sensor (process CPU time over the window ÷ sensors, in % of one core), which covers
/// sampling, the SQLite queue and the commits to the gateway.
/// </summary>
public static class EndToEndBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = BenchmarkArgs.Option(args, "--seconds", 60);
        var sensorCount = BenchmarkArgs.Option(args, "--sensors", 4);
        var timerSeconds = BenchmarkArgs.Option(args, "--timer-seconds", 5);
        var rollSeconds = BenchmarkArgs.Option(args, "--roll-seconds", 10);
        const int warmupSeconds = 5;
        Console.WriteLine($"(load average now: {MachineLoad.LoadAverage()})");
        Console.WriteLine($"e2e: {sensorCount} synthetic sensors at 1 kHz for {seconds} s; mirror and export every {timerSeconds} s, roll {rollSeconds} s");

        // The benchmark's own build covers the gateway and the collector (project references); the cloud host runs from
        // its own build output, which a build of this project does not produce (referencing it would rebuild the Functions
        // worker's extensions on every `dotnet run`, ~40 s): say in one line what to build.
        var layout = RepoLayout.Discover();
        var cloudHost = Path.Combine(layout.Root, "functions-local", "bin", layout.Configuration, "net10.0", "SensorStream.Functions.LocalHost.dll");
        if (!File.Exists(cloudHost))
        {
            Console.Error.WriteLine($"e2e: the cloud host is not built ({cloudHost}): run `dotnet build -c {layout.Configuration} functions-local` once in {layout.Root}, then run the benchmark again");
            return 3;
        }

        var dataDir = Path.Combine(Path.GetTempPath(), "bench-e2e-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDir);
        var stream = new StreamName("bench", "e2e");
        var sensors = Enumerable.Range(0, sensorCount).Select(i => $"synthetic:e2e-{i}").ToList();
        var schedule = $"*/{timerSeconds} * * * * *";
        var options = new PipelineOptions(dataDir, sensors, RateHz: 1000, Batch: 1000, stream)
        {
            CloudSettings = new Dictionary<string, string>
            {
                ["MIRROR_SCHEDULE"] = schedule,
                ["EXPORT_SCHEDULE"] = schedule,
                ["EXPORT_ROLL_SECONDS"] = $"{rollSeconds}s",
                ["EXPORT_IDLE_FLUSH_SECONDS"] = $"{timerSeconds}s",
            },
        };
        var files = new ExportedFiles();
        var latencies = new List<double>();
        double cpuPerSensor;
        try
        {
            LocalPipeline started;
            try
            {
                started = await LocalPipeline.StartAsync(options, layout, line => Console.WriteLine("  " + line), CancellationToken.None);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Console.Error.WriteLine($"e2e: the local pipeline did not start: {e.Message} (build every component once: ./run.sh, which also installs Azurite)");
                return 1;
            }
            await using var pipeline = started;
            var blobs = new BlobServiceClient(pipeline.Azurite.ConnectionString);
            var edge = pipeline.Edge ?? throw new InvalidOperationException("the pipeline started without its collector");

            await Task.Delay(TimeSpan.FromSeconds(warmupSeconds)); // the benchmark's clock: skip start-up
            var windowStart = UnixNanosNow();
            var cpuStart = ProcessCpu.Of(edge.Id);
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
            {
                await files.CollectAsync(blobs, stream);
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
            var cpu = ProcessCpu.Of(edge.Id) - cpuStart;
            var windowSeconds = clock.Elapsed.TotalSeconds;
            var windowEnd = UnixNanosNow();
            cpuPerSensor = cpu.TotalSeconds / windowSeconds / sensorCount;

            // Keep the collector running (as in production) until every sample of the window is exported.
            var drain = Stopwatch.StartNew();
            while (files.OldestNewestPerSensor(sensors.Count) < windowEnd && drain.Elapsed < TimeSpan.FromMinutes(3))
            {
                await files.CollectAsync(blobs, stream);
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
            foreach (var (sample, exported) in files.Samples)
                if (sample >= windowStart && sample < windowEnd) latencies.Add((exported - sample) / 1e9);
            if (latencies.Count == 0)
            {
                Console.Error.WriteLine($"e2e: no sample of the window reached an exported Parquet file (logs in {options.LogDir})");
                return 1;
            }
            var expected = (long)(windowSeconds * 1000 * sensorCount);
            Console.WriteLine($"  exported {latencies.Count:N0} samples of the window in {files.Count} Parquet files " +
                              $"(the sensors' schedule: ~{expected:N0}; ratio {latencies.Count / (double)expected:F2})");
        }
        finally
        {
            try { Directory.Delete(dataDir, recursive: true); } catch (IOException) { }
        }

        latencies.Sort();
        var cadence = rollSeconds + 2.0 * timerSeconds;
        double Quantile(double q) => latencies[Math.Min(latencies.Count - 1, (int)(q * latencies.Count))];
        Console.WriteLine($"  sample → exported file: p50 {Quantile(0.5):F1} s, p99 {Quantile(0.99):F1} s, max {latencies[^1]:F1} s; " +
                          $"as multiples of the cadence ({rollSeconds} s roll + {timerSeconds} s mirror + {timerSeconds} s export = {cadence:F0} s): " +
                          $"p50 {Quantile(0.5) / cadence:F2}, p99 {Quantile(0.99) / cadence:F2}");
        Console.WriteLine($"  collector CPU per 1 kHz sensor: {cpuPerSensor:P2} of a core (sampling + SQLite queue + commits, {sensorCount} sensors)");
        Console.WriteLine($"(load average after: {MachineLoad.LoadAverage()})");
        return 0;
    }

    private static long UnixNanosNow() => ExportLayout.NanosOf(DateTime.UtcNow);

    /// <summary>The stream's exported Parquet files seen so far: each sample's time and its file's Last-Modified (Unix ns).</summary>
    private sealed class ExportedFiles
    {
        private readonly HashSet<string> _seen = [];
        private readonly Dictionary<string, long> _newestPerSensor = [];

        public List<(long Sample, long Exported)> Samples { get; } = [];

        public int Count => _seen.Count;

        /// <summary>The lowest over the sensors of each one's newest exported sample (0 until all <paramref name="sensors"/> have one).</summary>
        public long OldestNewestPerSensor(int sensors) => _newestPerSensor.Count < sensors ? 0 : _newestPerSensor.Values.Min();

        public async Task CollectAsync(BlobServiceClient service, StreamName stream)
        {
            var container = service.GetBlobContainerClient(ExportLayout.Container);
            if (!await container.ExistsAsync()) return;
            var suffix = "." + ExportFormat.Parquet.Extension();
            await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, ExportLayout.StreamPrefix(ExportFormat.Parquet, stream), CancellationToken.None))
            {
                if (!item.Name.EndsWith(suffix, StringComparison.Ordinal) || !_seen.Add(item.Name)) continue;
                var exported = ExportLayout.NanosOf(item.Properties.LastModified!.Value.UtcDateTime);
                await using var content = new MemoryStream();
                await container.GetBlobClient(item.Name).DownloadToAsync(content);
                content.Position = 0;
                await using var reader = await ParquetReader.CreateAsync(content);
                var fields = reader.Schema.GetDataFields();
                var time = fields.Single(f => f.Name == SampleBatch.TimestampField);
                var sensor = fields.Single(f => f.Name == SampleBatch.SensorIdField);
                for (var g = 0; g < reader.RowGroupCount; g++)
                {
                    using var group = reader.OpenRowGroupReader(g);
                    var rows = checked((int)group.RowCount);
                    var times = new long[rows];
                    var ids = new string?[rows];
                    await group.ReadAsync(time, times.AsMemory());
                    await group.ReadAsync(sensor, ids.AsMemory());
                    for (var i = 0; i < rows; i++)
                    {
                        Samples.Add((times[i], exported));
                        var id = ids[i] ?? "";
                        _newestPerSensor[id] = Math.Max(_newestPerSensor.GetValueOrDefault(id), times[i]);
                    }
                }
            }
        }
    }
}
