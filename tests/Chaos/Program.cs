using Azure.Storage.Blobs;
using SensorStream.Chaos;
using SensorStream.Cli.Commands;
using SensorStream.Cli.Exports;
using SensorStream.Cli.Local;
using SensorStream.Cli.Processes;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;

// Chaos harness: the real pipeline as processes, faults from a seeded schedule, then drain and prove exactly-once.
ChaosOptions options;
try
{
    options = ChaosOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"chaos: {e.Message}\n{ChaosOptions.Usage}");
    return 2;
}

void Log(string message) => Console.WriteLine($"[chaos {DateTime.UtcNow:HH:mm:ss.fff}] {message}");

var stream = new StreamName("chaos", "sensors");
var sensors = Enumerable.Range(0, options.Sensors).Select(i => $"synthetic:chaos-{i}").ToList();
var schedule = FaultSchedule.Create(options.Seed, options.Duration, options.MeanFaultInterval);
Log($"seed {options.Seed}: {schedule.Count} faults planned over {options.Duration.TotalSeconds:0} s; {sensors.Count} sensors at {options.RateHz} Hz, " +
    $"batch {options.Batch}; data in {options.DataDir}");
if (Directory.Exists(options.DataDir)) Directory.Delete(options.DataDir, recursive: true);

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
var pipelineOptions = new PipelineOptions(options.DataDir, sensors, options.RateHz, options.Batch, stream)
{
    CloudSettings = new Dictionary<string, string> { ["MIRROR_SCHEDULE"] = "*/2 * * * * *", ["EXPORT_SCHEDULE"] = "*/2 * * * * *" },
};
int exitCode;
await using (var pipeline = await LocalPipeline.StartAsync(pipelineOptions, RepoLayout.Discover(), Log, stop.Token))
{
    var injector = new FaultInjector(pipeline, Log);
    var resources = new ResourceSampler(pipeline);
    var started = DateTime.UtcNow;
    using var sampling = new PeriodicTimer(TimeSpan.FromSeconds(5));
    var sampler = Task.Run(async () =>
    {
        try { do resources.Sample(); while (await sampling.WaitForNextTickAsync(stop.Token)); }
        catch (OperationCanceledException) { }
    });
    foreach (var fault in schedule)
    {
        var wait = fault.At - (DateTime.UtcNow - started);
        if (wait > TimeSpan.Zero) await Task.Delay(wait, stop.Token); // the schedule's clock, not a synchronization
        await injector.InjectAsync(fault, stop.Token);
    }
    var rest = options.Duration - (DateTime.UtcNow - started);
    if (rest > TimeSpan.Zero) await Task.Delay(rest, stop.Token);
    await injector.RestoreAsync(stop.Token);

    Log("draining: SIGTERM to the edge collector (flush + commit), then waiting for mirror and export");
    await pipeline.StopComponentAsync(LocalPipeline.EdgeName);
    using var gateway = new GatewayClient(new GatewayClientOptions { Endpoint = new Uri(pipeline.State.Gateway) });
    var audit = await PipelineVerification.RunAsync(gateway, new BlobServiceClient(pipeline.Azurite.ConnectionString), stream,
        TimeSpan.FromMinutes(5), () => pipeline.Cloud is { HasExited: false }, stop.Token);

    // Every sensor's sequence starts at 0 and the audit proves it contiguous: nothing accepted was lost.
    var startsAtZero = audit.Stream.Sensors.Count == sensors.Count && audit.Stream.Sensors.All(s => s.FirstSequence == 0);
    Console.WriteLine($"faults injected: {string.Join(", ", injector.Injected.Select(p => $"{p.Key}={p.Value}"))}, total {injector.Total} " +
                      $"of {injector.Injected.Count(p => p.Value > 0)} kinds");
    VerifyReport.Print("stream", audit.Events, audit.Undecodable, audit.Stream);
    VerifyReport.Print($"csv ({audit.CsvFiles} files)", audit.CsvFiles, 0, audit.Csv);
    VerifyReport.Print($"parquet ({audit.ParquetFiles} files)", audit.ParquetFiles, 0, audit.Parquet);
    sampling.Dispose();
    await sampler;
    resources.Sample(); // after the drain: the edge queue should be back to (nearly) empty
    Console.WriteLine("memory (RSS) and disk over the run:");
    Console.WriteLine(resources.Table());
    var ok = audit.Clean && startsAtZero;
    Console.WriteLine($"chaos: {(ok ? "PASSED" : "FAILED")}: {audit.Stream.Samples} samples, {audit.Gaps} gaps, {audit.Duplicates} duplicates, " +
                      $"exports complete: {audit.ExportsComplete}, every sensor from sequence 0: {startsAtZero}");
    exitCode = ok ? 0 : 1;
}
if (!options.KeepData && exitCode == 0) Directory.Delete(options.DataDir, recursive: true);
return exitCode;
