using System.Globalization;
using SensorStream.Streams.Client;
using SensorStream.Streams.Exporting;
using SensorStream.Streams.Mirroring;
using SensorStream.Testing;

namespace SensorStream.Benchmarks.Cloud;

/// <summary>
/// <c>cloud [mirror|export] [--events N] [--rows N] [--source-protocol public] [--cold]</c> (no case: both): mirror throughput vs
/// raw SDK upload of the same bytes to the same Azurite, and export rows/s (Parquet, CSV) vs a raw Parquet.Net write of
/// the same columns and vs the step's raw I/O floor, printed as ratios from one run. <c>--source-protocol public</c> runs
/// the gateway with <c>--protocol public</c>, so the mirror reads through ReadEvents, one message per event (the read
/// before ReadEventBatches). The mirror and the raw upload are measured warm (a mirror of three chunks first);
/// <c>--cold</c> skips that warm-up, as the benchmark did before (#16), to show what it costs the case that runs first.
/// Azurite is not built for speed: the ratios compare like with like on it, the absolute numbers mean little for Azure.
/// </summary>
public static class CloudBenchmarks
{
    public static async Task<int> RunAsync(string[] args)
    {
        var events = BenchmarkArgs.Option(args, "--events", 20_000);
        var rows = BenchmarkArgs.Option(args, "--rows", 1_000_000);
        var only = args.FirstOrDefault() is "mirror" or "export" ? args[0] : null;
        var publicSource = args.SkipWhile(a => a != "--source-protocol").Skip(1).FirstOrDefault() == "public";
        var cold = args.Contains("--cold");
        await using var azurite = await LocalAzurite.TryStartAsync();
        if (azurite is null) return 3;
        if (only == "export") return await ExportAsync(azurite, rows);
        var dataDir = Path.Combine(Path.GetTempPath(), "bench-gw-" + Guid.NewGuid().ToString("N"));
        await using var gatewayProcess = await GatewayProcess.StartAsync(dataDir, publicSource ? ["--protocol", "public"] : null);
        using var gateway = new GatewayClient(new GatewayClientOptions { Endpoint = gatewayProcess.Endpoint });

        Console.WriteLine($"== cloud: mirror vs raw upload ({events:N0} events), {Environment.ProcessorCount} cores, load {MachineLoad.LoadAverage()}, " +
            (publicSource ? "source read: ReadEvents (gateway --protocol public)" : "source read: ReadEventBatches") + (cold ? ", cold (no mirror warm-up)" : ""));
        Console.WriteLine($"{"event",8} {"chunks",6} | {"mirror MB/s",11} | {"raw MB/s",9} | ratio | vs read+upload | source read share | read CPU µs/event: per-event / source read");
        foreach (var size in new[] { 1024, 16 * 1024 })
        {
            var count = size == 1024 ? events : events / 8;
            var r = await MirrorBenchmark.RunAsync(gateway, gatewayProcess.ProcessId, azurite.ProcessId, azurite.Client, count, size, new MirrorOptions(), cold);
            Console.WriteLine(Invariant($"{size / 1024,6}Ki {r.Chunks,6} | {r.MirrorMBps,11:N1} | {r.RawMBps,9:N1} | {r.Ratio,5:N2} | {r.RatioToReadPlusUpload,14:N2} | {r.SourceShare,17:N2} | {r.PerEventReadCpu.TotalMicroseconds / r.Events:N1} / {r.SourceReadCpu.TotalMicroseconds / r.Events:N1}"));
            var b = r.Breakdown;
            double Us(TimeSpan t) => t.TotalMicroseconds / r.Events;
            Console.WriteLine(Invariant($"        mirror {r.Mirror.TotalSeconds:N2} s = wait for batch {b.WaitForBatch.TotalSeconds:N2} + chunk write {b.ChunkWrite.TotalSeconds:N2} + rest {b.StepRest.TotalSeconds:N2}; raw {r.Raw.TotalSeconds:N2} s; ") +
                Invariant($"CPU µs/event mirror: self {Us(b.MirrorCpuSelf):N1}, gateway {Us(b.MirrorCpuGateway):N1}, azurite {Us(b.MirrorCpuAzurite):N1}; raw: self {Us(b.RawCpuSelf):N1}, azurite {Us(b.RawCpuAzurite):N1}; ") +
                Invariant($"source read: self {Us(b.ReadCpuSelf):N1}, gateway {Us(b.ReadCpuGateway):N1}; mirror allocated {b.MirrorAllocated / (double)r.Events:N0} B/event, GCs gen0 {b.MirrorGen0} gen2 {b.MirrorGen2}; raw allocated {b.RawAllocated / (double)r.Events:N0} B/event, source read {b.ReadAllocated / (double)r.Events:N0} B/event; ") +
                Invariant($"chunk encoding {Us(b.ChunkEncode):N2} µs/event"));
        }

        if (only != "mirror" && rows > 0) await ExportAsync(azurite, rows);
        try
        {
            Directory.Delete(dataDir, recursive: true);
        }
        catch (IOException)
        {
            // temp folder
        }
        return 0;
    }

    private static async Task<int> ExportAsync(LocalAzurite azurite, int rows)
    {
        const int samples = 1000;
        var data = ExportBenchmark.Events(rows / samples, samples);
        Console.WriteLine($"== cloud: export of {rows:N0} rows (accelerometer, {samples} samples an event) vs raw Parquet.Net write of the same columns; load average {MachineLoad.LoadAverage()}");
        var results = await ExportBenchmark.RunAsync(azurite.Client, data, eventsPerChunk: 100);
        var raw = results[0].RowsPerSecond;
        var rawCpu = results[0].RowsPerCpuSecond;
        Console.WriteLine($"{"case",-42} | {"rows/s",12} | {"raw rows/s",12} | ratio to raw | {"rows/CPU-s",12} | CPU ratio | {"I/O floor rows/s",16} | ratio to floor");
        foreach (var r in results)
        {
            var floor = r.Floor is { } f ? Invariant($" | {r.Rows / f.Total.TotalSeconds,16:N0} | {f.Total / r.Time,14:N2}") : "";
            Console.WriteLine(Invariant($"{r.Case,-42} | {r.RowsPerSecond,12:N0} | {raw,12:N0} | {r.RowsPerSecond / raw,12:N2} | {r.RowsPerCpuSecond,12:N0} | {r.RowsPerCpuSecond / rawCpu,9:N2}{floor}"));
        }
        foreach (var (label, sink) in new[] { ("CSV writer vs Parquet writer", "(table → bytes)"), ("CSV vs Parquet writer, reused buffer", "(table → reused buffer)") })
        {
            var parquet = results.Single(r => r.Case == "Parquet writer " + sink);
            var csv = results.Single(r => r.Case == "CSV writer " + sink);
            Console.WriteLine(Invariant($"{label,-42} | {csv.RowsPerSecond,12:N0} | {parquet.RowsPerSecond,12:N0} | {csv.RowsPerSecond / parquet.RowsPerSecond,12:N2} | {csv.RowsPerCpuSecond,12:N0} | {csv.RowsPerCpuSecond / parquet.RowsPerCpuSecond:N2}"));
        }
        foreach (var r in results.Where(r => r.Floor is not null))
        {
            var f = r.Floor!;
            var allocated = r.AllocatedBytes is { } a ? Invariant($", allocated {a / 1e6:N0} MB") : "";
            Console.WriteLine(Invariant($"{r.Case}: {r.Time.TotalSeconds:N2} s (CPU {r.Cpu.TotalSeconds:N2} s{allocated}); floor {f.Total.TotalSeconds:N2} s = download {f.SourceBytes / 1e6:N1} MB in {f.Download.TotalSeconds:N2} s + upload {f.OutputBytes / 1e6:N1} MB in {f.Upload.TotalSeconds:N2} s"));
            if (r.Phases is { Count: > 0 } phases)
            {
                Console.WriteLine("  phases (s since the step began): " + string.Join(", ", phases.Select(p => Invariant($"{p.Point.Replace("export.", "", StringComparison.Ordinal)} {p.At.TotalSeconds:N2}"))));
                if (Breakdown(phases, f) is { } breakdown) Console.WriteLine("  " + breakdown);
            }
        }
        return 0;
    }

    /// <summary>
    /// The step's two halves against their floors: the gather (download ∥ parse, up to the plan recorded) against the raw
    /// download, and the file (from the roll recorded to the last file created) against the raw upload, split at the
    /// writer's last byte (<see cref="Exporter.Points.AfterWrite"/>): before it the writer and the upload run together,
    /// after it only the upload's last blocks and the commit. Null when the step did not pass those points.
    /// </summary>
    private static string? Breakdown(IReadOnlyList<(string Point, TimeSpan At)> phases, ExportBenchmark.IoFloor floor)
    {
        TimeSpan? First(string point) => phases.Where(p => p.Point == point).Select(p => (TimeSpan?)p.At).FirstOrDefault();
        TimeSpan? Last(string point) => phases.Where(p => p.Point == point).Select(p => (TimeSpan?)p.At).LastOrDefault();
        if (First(Exporter.Points.AfterRecordPlan) is not { } plan || First(Exporter.Points.AfterRecordRoll) is not { } roll
            || Last(Exporter.Points.AfterWrite) is not { } written || Last(Exporter.Points.AfterFile) is not { } file)
            return null;
        return Invariant($"gather {plan.TotalSeconds:N2} s vs download {floor.Download.TotalSeconds:N2} s; file {(file - roll).TotalSeconds:N2} s vs upload {floor.Upload.TotalSeconds:N2} s ") +
            Invariant($"(written {(written - roll).TotalSeconds:N2} s while uploading, then upload tail + commit {(file - written).TotalSeconds:N2} s); between them {(roll - plan).TotalSeconds:N2} s");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
