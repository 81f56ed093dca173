using System.Globalization;

namespace SensorStream.Benchmarks.Edge;

/// <summary>
/// <c>edge [sampler|capacity|queue|drain|protocol|steady|csv|csv-import|iio|sequence-scan] [--events N] [--seconds N] [--backlog-seconds N] [--commits N] [--realtime PRIORITY] [--mb N] [--pipeline-depth N] [--batch N]</c>: the edge collector's benchmarks. Every number is
/// printed next to the raw limit measured in the same run (ratio), never as a bare time.
/// </summary>
public static class EdgeBenchmarks
{
    public static async Task<int> RunAsync(string[] args)
    {
        var which = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
        var seconds = BenchmarkArgs.Option(args, "--seconds", 20);
        var backlogSeconds = BenchmarkArgs.Option(args, "--backlog-seconds", 3600);
        SamplerRun.RealtimePriority = BenchmarkArgs.Option(args, "--realtime", 10);
        PipelineDepths = BenchmarkArgs.Option(args, "--pipeline-depth", 0) is var depth and > 0 ? [depth] : [1, 2];
        Console.WriteLine($"(load average now: {MachineLoad.LoadAverage()}; sampling thread {(SamplerRun.RealtimePriority > 0 ? $"SCHED_FIFO {SamplerRun.RealtimePriority} (--realtime 0: nice -10)" : "nice -10")})");
        if (which is "sampler" or "all") SamplerBenchmark.Run(TimeSpan.FromSeconds(seconds));
        if (which is "capacity" or "all") SensorCapacityBenchmark.Run(TimeSpan.FromSeconds(Math.Min(seconds, 5)));
        if (which is "queue" or "all") QueueIngestBenchmark.Run(events: 5000, samplesPerEvent: 100);
        if (which is "drain" or "all") await DrainBenchmark.RunAsync(backlogSeconds);
        if (which is "protocol" or "all") await PublicProtocolBenchmark.RunAsync(backlogSeconds, BenchmarkArgs.Option(args, "--commits", 500));
        if (which is "csv" or "all") await CsvImportBenchmark.RunAsync(BenchmarkArgs.Option(args, "--mb", 200));
        if (which is "iio" or "all") IioLoadBenchmark.Run(TimeSpan.FromSeconds(seconds));
        if (which is "sequence-scan") await SequenceScanBenchmark.RunAsync(BenchmarkArgs.Option(args, "--events", 100_000));
        if (which is "csv-import") await CsvImportBenchmark.RunAsync(BenchmarkArgs.Option(args, "--mb", 200), importOnly: true);
        if (which is "steady" or "all") await SteadyStateBenchmark.RunAsync(TimeSpan.FromSeconds(Math.Min(seconds, 10)), BenchmarkArgs.Option(args, "--batch", 10));
        return 0;
    }

    /// <summary>The coordinator pipeline depths the drain, protocol and steady benchmarks run (<c>--pipeline-depth N</c>; default 1 then 2).</summary>
    internal static int[] PipelineDepths { get; private set; } = [1, 2];
}
