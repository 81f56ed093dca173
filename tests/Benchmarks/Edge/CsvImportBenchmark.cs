using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using nietras.SeparatedValues;
using SensorStream.EdgeModule.Import;
using SensorStream.EdgeModule.Queue;
using SensorStream.Testing;

namespace SensorStream.Benchmarks.Edge;

/// <summary>
/// <c>edge csv [--mb N]</c>: the CSV importer (Sep parse, rows → events, one SQL transaction per part with the resume
/// position) in rows/s against a raw Sep parse of the same file (every field parsed as a number, nothing kept), and the
/// real collector process's resident memory while it imports the file (VmRSS sampled every 100 ms; VmHWM at the end).
/// The collector ships to a real gateway: a brand-new queue takes no sample before it has read the stream's tail.
/// </summary>
internal static class CsvImportBenchmark
{
    private const int Columns = 3;

    /// <param name="importOnly">Only the importer into the queue (no raw parse, stages or collector): a run to attach a profiler to.</param>
    public static async Task RunAsync(int megabytes, bool importOnly = false)
    {
        var dir = Directory.CreateTempSubdirectory("edge-bench-csv").FullName;
        try
        {
            var source = Path.Combine(dir, "source.csv");
            var rows = Generate(source, megabytes * 1024L * 1024);
            Console.WriteLine($"== edge CSV import: {megabytes} MiB, {rows:N0} rows of TimestampNanos + {Columns} doubles");
            if (importOnly)
            {
                Console.WriteLine($"  CsvDirectoryImporter into the SQLite queue: {Import(dir, "import", source, rows).Wall:N0} rows/s");
                return;
            }
            // Warm-ups: both sides are compared at full speed, not while their code is being jitted (a one-time cost). The
            // import's warm-up file is large enough (several parts, millions of values) for tiered compilation to reach
            // its optimized code, as the raw parse's warm-up over the whole file does.
            RawSep(source, rows);
            var warm = Path.Combine(dir, "warm.csv");
            Import(dir, "warm", warm, Generate(warm, Math.Min(megabytes, 32) * 1024L * 1024));
            var raw = RawSep(source, rows);
            var import = Import(dir, "import", source, rows);
            Console.WriteLine($"  raw Sep parse: {raw.Wall:N0} rows/s ({raw.Cpu:N0} rows per CPU-second)");
            Console.WriteLine($"  CsvDirectoryImporter into the SQLite queue: {import.Wall:N0} rows/s ({import.Cpu:N0} rows per CPU-second)");
            Console.WriteLine($"  → ratio import/raw = {import.Wall / raw.Wall:F2} by wall clock, {import.Cpu / raw.Cpu:F2} by CPU time (goal ≥ 0.8); load average {MachineLoad.LoadAverage()}");
            CsvImportProfile.Run(dir, source, rows, raw.Cpu);
            var (baseline, peak, hwm, seconds, completed) = await CollectorRssAsync(dir, source);
            Console.WriteLine(completed
                ? $"  collector process importing it: RSS {baseline / 1024.0:F0} MiB before the file, peak {peak / 1024.0:F0} MiB while importing " +
                  $"(VmHWM {hwm / 1024.0:F0} MiB), {seconds:F1} s (goal: flat, < 150 MB)"
                : $"  collector process did NOT finish importing the file within {seconds:F0} s (no completed/data.csv; RSS peak {peak / 1024.0:F0} MiB): no memory figure");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static long Generate(string path, long bytes)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.Write("TimestampNanos,A,B,C\n");
        long rows = 0;
        var line = new StringBuilder();
        while (writer.BaseStream.Length < bytes)
        {
            for (var i = 0; i < 1000; i++, rows++)
            {
                line.Clear().Append(1_764_460_800_000_000_000L + rows * 1_000_000).Append(',')
                    .Append((rows % 1000 / 7.0).ToString("R", CultureInfo.InvariantCulture)).Append(',')
                    .Append(rows).Append(',').Append(-rows * 0.5).Append('\n');
                writer.Write(line);
            }
            writer.Flush();
        }
        return rows;
    }

    /// <summary>Rows per second by wall clock and per second of this process's CPU time (user + system, all threads).</summary>
    private static (double Wall, double Cpu) Rates(long rows, Stopwatch clock, TimeSpan cpuBefore) =>
        (rows / clock.Elapsed.TotalSeconds, rows / (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds);

    private static (double Wall, double Cpu) RawSep(string path, long expected)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        long rows = 0;
        double sum = 0;
        using (var reader = Sep.New(',').Reader(o => o with { Unescape = true, Trim = SepTrim.Outer }).FromFile(path))
        {
            foreach (var row in reader)
            {
                sum += long.Parse(row[0].Span, CultureInfo.InvariantCulture) & 1;
                for (var c = 1; c <= Columns; c++) sum += double.Parse(row[c].Span, CultureInfo.InvariantCulture);
                rows++;
            }
        }
        var rate = Rates(rows, clock, cpu);
        if (rows != expected || double.IsNaN(sum)) throw new InvalidOperationException($"raw parse read {rows} rows, expected {expected}");
        return rate;
    }

    private static (double Wall, double Cpu) Import(string dir, string name, string source, long rows)
    {
        var input = Directory.CreateDirectory(Path.Combine(dir, name)).FullName;
        File.Copy(source, Path.Combine(input, "data.csv"));
        using var queue = EventQueue.Open(Path.Combine(dir, name + ".db"), new QueueOptions { MaxBytes = 64L << 30 }, NullLogger.Instance);
        var importer = new CsvDirectoryImporter(input, queue, 1000, TimeSpan.FromMilliseconds(1), NullLogger.Instance);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        while (importer.FilesImported == 0) importer.ScanOnce();
        var rate = Rates(rows, clock, cpu);
        var queued = queue.NextSequences().GetValueOrDefault(importer.SensorId);
        if (queued != rows) throw new InvalidOperationException($"imported {queued} rows, expected {rows}");
        return rate;
    }

    /// <summary>
    /// The real collector importing the file while it ships to a real gateway (a new queue reads the stream's tail
    /// before it takes any sample); RSS in KiB; <c>Completed</c> false when the file was not moved to <c>completed/</c>
    /// within 10 minutes or the collector exited.
    /// </summary>
    private static async Task<(long Baseline, long Peak, long Hwm, double Seconds, bool Completed)> CollectorRssAsync(string dir, string source)
    {
        var input = Directory.CreateDirectory(Path.Combine(dir, "collector-in")).FullName;
        await using var gateway = await GatewayProcess.StartAsync(Path.Combine(dir, "gateway"));
        var dll = Path.Combine(RepoPaths.Root, "edge-module", "bin", "Release", "net10.0", "SensorStream.EdgeModule.dll");
        if (!File.Exists(dll)) dll = Path.Combine(RepoPaths.Root, "edge-module", "bin", "Debug", "net10.0", "SensorStream.EdgeModule.dll");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { dll, "--gateway", gateway.Endpoint.ToString(), "--scope", "bench", "--stream", "csv", "--db", Path.Combine(dir, "collector.db"),
                     "--sensor", "csv:" + input, "--csv-stable-time", "1ms", "--csv-poll-interval", "50ms", "--max-queue-mb", "65536", "--metrics-interval", "0" })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await Task.Delay(3000); // let the collector start and settle before the file arrives
            var baseline = Status(process.Id, "VmRSS:");
            File.Copy(source, Path.Combine(input, ".data.csv"));
            File.Move(Path.Combine(input, ".data.csv"), Path.Combine(input, "data.csv"));
            var clock = Stopwatch.StartNew();
            long peak = baseline;
            var done = Path.Combine(input, "completed", "data.csv");
            while (!File.Exists(done) && clock.Elapsed < TimeSpan.FromMinutes(10) && !process.HasExited)
            {
                peak = Math.Max(peak, Status(process.Id, "VmRSS:"));
                await Task.Delay(100);
            }
            var completed = File.Exists(done);
            return (baseline, peak, process.HasExited ? 0 : Status(process.Id, "VmHWM:"), clock.Elapsed.TotalSeconds, completed);
        }
        finally
        {
            if (!process.HasExited) process.Kill();
        }
    }

    private static long Status(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith(field, StringComparison.Ordinal))
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        return 0;
    }
}
