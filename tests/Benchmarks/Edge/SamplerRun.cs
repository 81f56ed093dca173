using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.EdgeModule.Sampling;
using SensorStream.EdgeModule.Sensors;

namespace SensorStream.Benchmarks.Edge;

/// <summary>One sampling loop over N synthetic sensors for a while, batches counted and dropped: the sampler alone.</summary>
internal sealed record SamplerRun(int Sensors, TimeSpan Duration, long Ticks, long Missed, long Late, double P50Micros, double P99Micros,
    double MaxMicros, double CpuFraction)
{
    /// <summary><c>--realtime N</c> on the benchmark command line: the sampling thread runs SCHED_FIFO at priority N.</summary>
    public static int RealtimePriority { get; set; }

    public static SamplerRun Measure(int sensors, TimeSpan duration, double rateHz = 1000)
    {
        var list = Enumerable.Range(0, sensors).Select(i => (ISensor)new SyntheticSensor($"s{i}")).ToList();
        long batches = 0;
        using var sampler = new Sampler(new SamplerOptions { RateHz = rateHz, BatchSize = 1000, RealtimePriority = RealtimePriority }, list, new Dictionary<string, long>(),
            _ => Interlocked.Increment(ref batches), NullLogger.Instance);
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        sampler.Start();
        Thread.Sleep(duration); // the benchmark's measuring window, not a synchronization
        sampler.StopAsync().Wait();
        clock.Stop();
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds / clock.Elapsed.TotalSeconds;
        var s = sampler.Stats;
        return new SamplerRun(sensors, clock.Elapsed, s.Ticks, s.MissedTicks, s.LateTicks,
            s.Lateness.QuantileNanos(0.5) / 1000.0, s.Lateness.QuantileNanos(0.99) / 1000.0, s.Lateness.MaxNanos / 1000.0, cpu);
    }

    public long ExpectedTicks(double rateHz = 1000) => (long)(Duration.TotalSeconds * rateHz);
}
