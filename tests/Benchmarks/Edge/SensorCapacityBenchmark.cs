namespace SensorStream.Benchmarks.Edge;

/// <summary>
/// How many 1 kHz sensors one sampling loop serves (synthetic sensors: the loop's own cost). Reports the largest
/// count with zero missed samples and, because a shared machine makes the scheduler miss deadlines even for one
/// sensor, also the largest count whose missed rate stays within one percentage point of the one-sensor baseline.
/// </summary>
internal static class SensorCapacityBenchmark
{
    public static void Run(TimeSpan each)
    {
        Console.WriteLine($"== edge capacity: synthetic sensors at 1 kHz in one loop, {each.TotalSeconds:F0} s per step");
        var baseline = SamplerRun.Measure(1, each);
        var baselineMiss = (double)baseline.Missed / baseline.ExpectedTicks();
        Console.WriteLine($"  {1,5} sensor : missed {baseline.Missed,6} of {baseline.ExpectedTicks()} ({baselineMiss:P2}) — the machine's own scheduling noise");
        int zeroMissed = baseline.Missed == 0 ? 1 : 0, withinBaseline = 1;
        SamplerRun last = baseline;
        foreach (var sensors in new[] { 10, 50, 100, 200, 400, 800, 1600, 3200 })
        {
            var r = SamplerRun.Measure(sensors, each);
            var miss = (double)r.Missed / r.ExpectedTicks();
            Console.WriteLine($"  {sensors,5} sensors: missed {r.Missed,6} of {r.ExpectedTicks()} ({miss:P2}), late {r.Late,6}, p99 {r.P99Micros:F0} µs, CPU {r.CpuFraction:P0} of a core");
            last = r;
            if (r.Missed == 0) zeroMissed = sensors;
            if (miss > baselineMiss + 0.01) break;
            withinBaseline = sensors;
        }
        var zeroMissedText = zeroMissed > 0 ? $"0 missed in the {zeroMissed}-sensor step (the largest such)" : "every step missed some deadlines, one sensor too (the machine's scheduling noise)";
        Console.WriteLine($"  → {zeroMissedText}; missed rate within 1 point of one sensor's up to {withinBaseline} sensors (goal ≥ 100)");
        // The loop's own cost per sensor (CPU slope) says how many sensors fit one core once the scheduler is not the limit.
        var perSensor = (last.CpuFraction - baseline.CpuFraction) / (last.Sensors - 1);
        if (perSensor > 0)
            Console.WriteLine($"  CPU per 1 kHz sensor {perSensor:P3} of a core → ~{0.5 / perSensor:F0} sensors within half a core (work-bound estimate)");
    }
}
