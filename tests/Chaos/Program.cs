using Azure.Storage.Blobs;
using SensorStream.Chaos;
using SensorStream.Cli.Commands;
using SensorStream.Cli.Exports;
using SensorStream.Cli.Local;
using SensorStream.Cli.Processes;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Testing;

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
if (Directory.Exists(options.DataDir)) Directory.Delete(options.DataDir, recursive: true);
Directory.CreateDirectory(options.DataDir);
var fsyncStall = FsyncStall.TryBuild(Path.Combine(options.DataDir, "faults"), Log);
using var edgeDisk = EdgeDisk.TryMount(Path.Combine(options.DataDir, "edge"), 256, Log);
var kinds = FaultInjector.Available(fsyncStall, edgeDisk, options.FileDamage);
var damage = new FileDamage(options.Seed, Path.Combine(options.DataDir, "edge"), Path.Combine(options.DataDir, "gateway"), Path.Combine(options.DataDir, "damage-backups"));
var csv = new CsvFeeder(Path.Combine(options.DataDir, "csv-in"));
var sensors = Enumerable.Range(0, options.Sensors).Select(i => $"synthetic:chaos-{i}").Append($"csv:{csv.Directory}").ToList();
var schedule = FaultSchedule.Create(options.Seed, options.Duration, options.MeanFaultInterval, kinds);
Log($"seed {options.Seed}: {schedule.Count} faults of {kinds.Count} kinds planned over {options.Duration.TotalSeconds:0} s; " +
    $"{options.Sensors} sensors at {options.RateHz} Hz, batch {options.Batch}, and a CSV folder; gateway protocol {options.Protocol}; data in {options.DataDir}");

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
var pipelineOptions = new PipelineOptions(options.DataDir, sensors, options.RateHz, options.Batch, stream)
{
    // The run goes through the gateway as deployed: https with its own certificate and a bearer token for every client.
    Secure = !options.Plaintext,
    CloudSettings = new Dictionary<string, string> { ["MIRROR_SCHEDULE"] = "*/2 * * * * *", ["EXPORT_SCHEDULE"] = "*/2 * * * * *" },
    ComponentEnvironment = new Dictionary<string, IReadOnlyDictionary<string, string>>
    {
        [LocalPipeline.EdgeName] = fsyncStall?.EnvironmentFor(LocalPipeline.EdgeName) ?? new Dictionary<string, string>(),
        [LocalPipeline.GatewayName] = new Dictionary<string, string>(fsyncStall?.EnvironmentFor(LocalPipeline.GatewayName) ?? new Dictionary<string, string>())
        {
            ["GATEWAY_PROTOCOL"] = options.Protocol,
        },
    },
};
int exitCode;
await using (var pipeline = await LocalPipeline.StartAsync(pipelineOptions, RepoLayout.Discover(), Log, stop.Token))
{
    var injector = new FaultInjector(pipeline, fsyncStall, edgeDisk, csv, damage, Log);
    var resources = new ResourceSampler(pipeline);
    var started = DateTime.UtcNow;
    // Background work on a period until its timer is disposed (or Ctrl-C).
    Task Repeat(PeriodicTimer timer, Action action) => Task.Run(async () =>
    {
        try { while (await timer.WaitForNextTickAsync(stop.Token)) action(); }
        catch (OperationCanceledException) { }
    });
    using var sampling = new PeriodicTimer(TimeSpan.FromSeconds(5));
    resources.Sample();
    var sampler = Repeat(sampling, resources.Sample);
    using var feeding = new PeriodicTimer(TimeSpan.FromSeconds(2));
    var feeder = Repeat(feeding, csv.WriteNext);
    foreach (var fault in schedule)
    {
        var wait = fault.At - (DateTime.UtcNow - started);
        if (wait > TimeSpan.Zero) await Task.Delay(wait, stop.Token); // the schedule's clock, not a synchronization
        await injector.InjectAsync(fault, stop.Token);
    }
    var rest = options.Duration - (DateTime.UtcNow - started);
    if (rest > TimeSpan.Zero) await Task.Delay(rest, stop.Token);
    feeding.Dispose();
    await feeder;
    await injector.RestoreAsync(stop.Token);

    Log($"draining: waiting until the collector has imported all {csv.FilesWritten} CSV files");
    var csvTaken = true;
    try
    {
        await Poll.UntilAsync(csv.AllTaken, TimeSpan.FromMinutes(2), "the CSV import", stop.Token);
    }
    catch (TimeoutException e)
    {
        Log(e.Message);
        csvTaken = false;
    }
    Log("draining: SIGTERM to the edge collector (flush + commit), then waiting for mirror and export");
    await pipeline.StopComponentAsync(LocalPipeline.EdgeName);
    using var gateway = new GatewayClient(pipeline.State.ClientOptions());
    var audit = await PipelineVerification.RunAsync(gateway, new BlobServiceClient(pipeline.Azurite.ConnectionString), stream,
        TimeSpan.FromMinutes(5), () => pipeline.Cloud is { HasExited: false }, stop.Token);

    // Every sensor's sequence starts at 0 and the audit proves it contiguous: nothing accepted was lost. The CSV
    // sensor must hold exactly the rows written: a file imported twice (or never) changes that count.
    var startsAtZero = audit.Stream.Sensors.Count == sensors.Count && audit.Stream.Sensors.All(s => s.FirstSequence == 0);
    var csvRows = audit.Stream.Sensors.FirstOrDefault(s => s.SensorId == csv.SensorId);
    var csvExact = csvTaken && csvRows is not null && csvRows.Span == csv.RowsWritten;
    Console.WriteLine($"faults injected: {string.Join(", ", injector.Injected.Select(p => $"{p.Key}={p.Value}"))}, total {injector.Total} " +
                      $"of {injector.Injected.Count(p => p.Value > 0)} kinds");
    VerifyReport.Print("stream", audit.Events, audit.Undecodable, audit.Stream);
    VerifyReport.Print("csv", audit.CsvFiles, 0, audit.Csv, "files");
    VerifyReport.Print("parquet", audit.ParquetFiles, 0, audit.Parquet, "files");
    Console.WriteLine($"csv source: {csv.FilesWritten} files, {csv.RowsWritten} rows written, {csvRows?.Span ?? 0} in the stream" +
                      (csvTaken ? "" : " (some files were never imported)"));
    sampling.Dispose();
    await sampler;
    resources.Sample(); // after the drain: the edge queue should be back to (nearly) empty
    Console.WriteLine("memory (RSS) and disk over the run:");
    Console.WriteLine(resources.Table());
    if (options.Protocol == "public")
    {
        // The run proves the public protocol only if the collector really ran it: it logs the switch once per start.
        var log = Path.Combine(pipelineOptions.LogDir, $"{LocalPipeline.EdgeName}.log");
        var switches = File.Exists(log) ? File.ReadLines(log).Count(l => l.Contains("switching to the public-protocol coordinator", StringComparison.Ordinal)) : 0;
        Console.WriteLine($"public protocol: the collector switched to the public-protocol coordinator {switches} times (once per start)");
        if (switches == 0) injector.Problems.Add("--protocol public, but the collector never switched to the public-protocol coordinator");
    }
    foreach (var problem in injector.Problems) Console.WriteLine($"problem: {problem}");
    var ok = audit.Clean && startsAtZero && csvExact && injector.Problems.Count == 0;
    if (options.FileDamage.Count > 0)
    {
        // Damage may lose samples, but only as counted gaps the collector recorded and logged; never a duplicate.
        var damaged = await DamageAudit.RunAsync(gateway, stream, damage.EdgeQueue, stop.Token);
        var csvIssued = damaged.Next.GetValueOrDefault(csv.SensorId);
        Console.WriteLine($"file damage: {damaged.RecordedRanges} ranges ({damaged.RecordedSamples} samples) recorded lost by the collector, " +
                          $"{damaged.Unexplained.Count} ranges missing without a record{(damaged.Unexplained.Count > 0 ? ": " + string.Join(", ", damaged.Unexplained.Take(10)) : "")}; " +
                          $"gateway refusals naming the damaged file: {injector.GatewayRefusals}; CSV rows issued {csvIssued} of {csv.RowsWritten}");
        ok = audit.Stream.Samples > 0 && audit.Duplicates == 0 && audit.Undecodable == 0 && audit.ExportsComplete && damaged.Unexplained.Count == 0
             && csvTaken && csvIssued == csv.RowsWritten && injector.Problems.Count == 0;
    }
    Console.WriteLine($"chaos: {(ok ? "PASSED" : "FAILED")}: {audit.Stream.Samples} samples, {audit.MissingSamples} missing samples, {audit.Duplicates} duplicates, " +
                      $"exports complete: {audit.ExportsComplete}, every sensor from sequence 0: {startsAtZero}, CSV rows exactly once: {csvExact}, " +
                      $"problems after faults: {injector.Problems.Count}");
    exitCode = ok ? 0 : 1;
}
edgeDisk?.Dispose(); // unmount before the folder is deleted
if (!options.KeepData && exitCode == 0) Directory.Delete(options.DataDir, recursive: true);
return exitCode;
