namespace SensorStream.Benchmarks.Edge;

/// <summary>The 1 kHz sampler: missed and late samples, lateness quantiles, CPU per sensor.</summary>
internal static class SamplerBenchmark
{
    public static void Run(TimeSpan duration)
    {
        Console.WriteLine($"== edge sampler: 1 kHz for {duration.TotalSeconds:F0} s (the issue asks 60 s; pass --seconds 60 for that)");
        var idle = SamplerRun.Measure(0, TimeSpan.FromSeconds(Math.Min(5, duration.TotalSeconds)));
        foreach (var sensors in new[] { 1, 2 })
        {
            var r = SamplerRun.Measure(sensors, duration);
            // The difference of two noisy process-CPU readings: at or below zero it says only that the sensors cost less than the noise.
            var cpuPerSensor = (r.CpuFraction - idle.CpuFraction) / sensors;
            var perSensorText = cpuPerSensor > 0 ? $"per sensor {cpuPerSensor:P2}" : "per sensor below the noise of this reading (process CPU not above the loop alone)";
            Console.WriteLine(
                $"  {sensors} sensor(s): deadlines served {r.Ticks} of {r.ExpectedTicks()} ({(double)r.Ticks / r.ExpectedTicks():P2}), " +
                $"missed {r.Missed} ({(double)r.Missed / r.ExpectedTicks():P3}), late {r.Late}; lateness p50 {r.P50Micros:F0} µs, " +
                $"p99 {r.P99Micros:F0} µs, max {r.MaxMicros:F0} µs (period 1000 µs: p99 = {r.P99Micros / 1000:P1} of a period); " +
                $"process CPU {r.CpuFraction:P1} of a core, loop alone {idle.CpuFraction:P1}, {perSensorText}");
        }
    }
}
