using SensorStream.Benchmarks.Edge;
using SensorStream.Benchmarks.Gateway;

// Dispatch by the first argument; each area's benchmarks live in its own folder.
var area = args.FirstOrDefault();
var rest = args.Skip(1).ToArray();
return area switch
{
    "gateway" => await GatewayBenchmarks.RunAsync(rest),
    "edge" => await EdgeBenchmarks.RunAsync(rest),
    "cloud" => await SensorStream.Benchmarks.Cloud.CloudBenchmarks.RunAsync(rest),
    "e2e" => await SensorStream.Benchmarks.EndToEnd.EndToEndBenchmark.RunAsync(rest),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project tests/Benchmarks -- <gateway|edge|cloud|e2e> [options]");
    Console.Error.WriteLine("  gateway [--seconds N] [--warmup N] [--event-bytes 1024|65536] [--writers 1|8] [--separate]   transactional writes vs raw append+fsync");
    Console.Error.WriteLine("  gateway committed-ids [--ids N]             memory of N committed transaction ids, before/after compaction");
    Console.Error.WriteLine("  edge [sampler|capacity|queue|drain|protocol|steady|csv|csv-import|iio|sequence-scan] [--events N] [--seconds N] [--backlog-seconds N] [--commits N] [--mb N] [--pipeline-depth N] [--batch N]");
    Console.Error.WriteLine("  cloud [mirror|export] [--events N] [--rows N] [--source-protocol public] [--cold]   mirror, export and Parquet writer vs raw upload / raw Parquet.Net / I/O floor");
    Console.Error.WriteLine("  e2e [--seconds N] [--sensors N] [--timer-seconds N] [--roll-seconds N]   sample → exported file latency (p50/p99) and collector CPU per 1 kHz sensor");
    return 2;
}
