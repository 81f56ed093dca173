using System.Diagnostics;

namespace SensorStream.Benchmarks.Gateway;

/// <summary>
/// The raw limit: each writer appends the same batches (events back to back) to its own file and fsyncs after each
/// batch — what a writer needs for the same durability per acknowledged batch, without any gateway.
/// </summary>
public static class RawAppendBaseline
{
    public static Throughput Run(WriteWorkload workload)
    {
        var dir = Directory.CreateTempSubdirectory("gw-bench-raw").FullName;
        try
        {
            long events = 0, bytes = 0;
            var cpu = ProcessCpu.OfThisProcess();
            var clock = Stopwatch.StartNew();
            var threads = Enumerable.Range(0, workload.Writers).Select(w => new Thread(() =>
            {
                var batch = new byte[workload.EventBytes * workload.EventsPerTransaction];
                for (var i = 0; i < workload.EventsPerTransaction; i++) workload.Event(w, i).CopyTo(batch, i * workload.EventBytes);
                using var file = File.OpenHandle(Path.Combine(dir, $"w{w}.log"), FileMode.CreateNew, FileAccess.Write);
                long offset = 0;
                while (clock.Elapsed < workload.Duration)
                {
                    RandomAccess.Write(file, batch, offset);
                    RandomAccess.FlushToDisk(file);
                    offset += batch.Length;
                    Interlocked.Add(ref events, workload.EventsPerTransaction);
                    Interlocked.Add(ref bytes, batch.Length);
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            return new Throughput(events, bytes, clock.Elapsed) { Cpu = ProcessCpu.OfThisProcess() - cpu };
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
