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
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project tests/Benchmarks -- <gateway|edge> [options]");
    Console.Error.WriteLine("  gateway [--seconds N]                       transactional writes vs raw append+fsync");
    Console.Error.WriteLine("  edge [sampler|capacity|queue|drain] [--seconds N] [--backlog-seconds N]");
    return 2;
}
