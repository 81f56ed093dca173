using System.ComponentModel;
using System.Globalization;
using System.Runtime.InteropServices;
using Azure.Storage.Blobs;
using SensorStream.Cli.Exports;
using SensorStream.Cli.Local;
using SensorStream.Cli.Monitoring;
using SensorStream.Cli.Processes;
using SensorStream.Streams.Monitoring;
using SensorStream.Streams.Client;
using SensorStream.Streams.Configuration;
using SensorStream.Streams.Configuration.Catalogs;
using SensorStream.Streams.Naming;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SensorStream.Cli.Commands;

/// <summary>
/// The one command: the whole pipeline locally, a live view, and when it ends (--duration elapsed, or Ctrl-C/SIGTERM) a
/// verified summary; exit 0 only when the stream and the exports are exact (cli/README.md, "Exit codes").
/// </summary>
[Description("Run the whole pipeline locally (Azurite, gateway, edge collector, cloud mirror + export) with a live view.")]
public sealed class RunCommand : AsyncCommand<RunCommand.Settings>
{
    /// <summary>The command's line in the top-level help; `run --help` lists every sensor kind under --sensor.</summary>
    public const string ShortDescription =
        "Run the whole pipeline locally (Azurite, gateway, edge collector, cloud mirror + export) with a live view; sensor kinds: `run --help`.";

    public sealed class Settings : CommandSettings
    {
        [CommandOption("--duration <TIME>")]
        [SettingHelp("Duration")]
        public string? Duration { get; init; }

        [CommandOption("--data-dir <DIR>")]
        [SettingHelp("DataDir")]
        public string? DataDir { get; init; }

        [CommandOption("--sensor <SPEC>")]
        [SettingHelp("Sensors", Also = "Default here: the default route's NIC and synthetic:demo.", ListsSensorKinds = true)]
        public string[] Sensors { get; init; } = [];

        [CommandOption("--rate <HZ>")]
        [SettingHelp("Rate")]
        public int Rate { get; init; } = 1000;

        [CommandOption("--batch <N>")]
        [SettingHelp("Batch")]
        public int Batch { get; init; } = 1000;

        [CommandOption("--stream <SCOPE/STREAM>")]
        [SettingHelp("Stream")]
        public string Stream { get; init; } = "sensorstream/sensors";

        [CommandOption("--tls")]
        [Description("Secure the gateway: https with a self-signed certificate for 127.0.0.1 and a bearer token, both kept in " +
                     "<data-dir>/secrets. The edge, the cloud host and the other commands connect with them automatically.")]
        public bool Tls { get; init; }

        [CommandOption("--plain")]
        [Description("Print progress lines instead of the live view (automatic when output is not a terminal).")]
        public bool Plain { get; init; }

        // One duration syntax (the shared model's); a bare number is refused: the collector reads one as milliseconds, people mean seconds.
        public TimeSpan? ParsedDuration => Duration is { } text && GatewaySettings.Problem("Duration", text) is null ? (TimeSpan)CliSettings.Find("Duration").Parse(text) : null;

        /// <summary>Every flag and sensor spec checked here, with the shared model's bounds (the collector's for rate and batch), before anything starts.</summary>
        public override ValidationResult Validate()
        {
            foreach (var (key, value) in new[] { ("Duration", Duration), ("Rate", Rate.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("Batch", Batch.ToString(System.Globalization.CultureInfo.InvariantCulture)) })
                if (value is not null && GatewaySettings.Problem(key, value) is { } bad) return ValidationResult.Error(bad);
            try { StreamName.Parse(Stream); }
            catch (Exception e) when (e is FormatException or ArgumentException) { return ValidationResult.Error($"--stream: {e.Message}"); }
            if (SensorPreflight.Check(Sensors) is { } problem) return ValidationResult.Error(problem);
            return ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        // The first Ctrl-C (or SIGTERM) ends the run in order: the collector commits its queue, then the summary. A second
        // one skips the wait for the exports and exits 130.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var skipSummary = new CancellationTokenSource();
        var interrupts = 0;
        void Interrupt()
        {
            if (Interlocked.Increment(ref interrupts) == 1) stop.Cancel();
            else skipSummary.Cancel();
        }
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; Interrupt(); };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; Interrupt(); });

        var options = new PipelineOptions(DataFolder.Resolve(settings.DataDir), ResolveSensors(settings), settings.Rate, settings.Batch,
            StreamName.Parse(settings.Stream)) { Secure = settings.Tls };
        var plain = settings.Plain || Console.IsOutputRedirected;
        LocalPipeline pipeline;
        try
        {
            var layout = RepoLayout.Discover();
            pipeline = plain
                ? await LocalPipeline.StartAsync(options, layout, m => Console.WriteLine($"[sensorstream] {m}"), stop.Token)
                : await AnsiConsole.Status().StartAsync("starting", async s =>
                    await LocalPipeline.StartAsync(options, layout, m => s.Status(Markup.Escape(m)), stop.Token));
        }
        catch (DataFolderBusyException e)
        {
            CliErrors.Print(e.Message);
            return ExitCodes.DataFolderBusy;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            // The first line names the component, its reason and its log; the component's last output follows for context.
            CliErrors.Print(e.Message);
            if (e.Message.IndexOf('\n') is var nl and >= 0) Console.Error.WriteLine(e.Message[(nl + 1)..]);
            return ExitCodes.ComponentFailed;
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Interrupted;
        }

        await using (pipeline)
        {
            Console.WriteLine($"[sensorstream] running: gateway {pipeline.State.Gateway}, data in {options.DataDir}, logs in {options.LogDir}");
            if (pipeline.State.TokenFile is { } tokenFile)
                Console.WriteLine($"[sensorstream] gateway secured: trusts {pipeline.State.CaFile}, bearer token in {tokenFile} (other commands use them from run.json)");
            using var gateway = new GatewayClient(pipeline.State.ClientOptions());
            var blobs = new BlobServiceClient(pipeline.Azurite.ConnectionString);
            var healthy = await MonitorAsync(pipeline, gateway, blobs, settings.ParsedDuration, plain, stop.Token);

            if (stop.IsCancellationRequested)
                Console.WriteLine("[sensorstream] stopping on request; the summary follows (Ctrl-C again skips it and exits 130)");
            Console.WriteLine("[sensorstream] stopping the edge collector (it flushes its open batch and commits its queue)");
            await pipeline.StopComponentAsync(LocalPipeline.EdgeName);
            if (!healthy) return ExitCodes.ComponentFailed;
            try
            {
                return await SummarizeAsync(pipeline, gateway, blobs, options.Stream, skipSummary.Token);
            }
            catch (OperationCanceledException) when (skipSummary.IsCancellationRequested)
            {
                Console.WriteLine($"[sensorstream] summary skipped; `{DataFolder.FollowUp(options.DataDir, $"verify {options.Stream}")}` checks the stream later");
                return ExitCodes.Interrupted;
            }
        }
    }

    private static IReadOnlyList<string> ResolveSensors(Settings settings)
    {
        if (settings.Sensors.Length > 0) return settings.Sensors;
        var nic = DefaultInterface.Find();
        return nic is null ? ["synthetic:demo"] : [$"nic:{nic}", "synthetic:demo"];
    }

    /// <summary>Shows the live view until the duration ends or Ctrl-C; false when a component exited on its own.</summary>
    private static async Task<bool> MonitorAsync(LocalPipeline pipeline, GatewayClient gateway, BlobServiceClient blobs, TimeSpan? duration,
        bool plain, CancellationToken stop)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        var view = new LiveView(pipeline.Options.Stream.ToString(), pipeline.Processes);
        await using var watcher = new StreamWatcher(gateway, pipeline.Options.Stream);
        watcher.Start();
        var started = DateTime.UtcNow;
        using var period = new PeriodicTimer(TimeSpan.FromSeconds(1));

        async Task<bool> TickAsync(Action<PipelineSnapshot, TimeSpan> show)
        {
            var elapsed = DateTime.UtcNow - started;
            if (stop.IsCancellationRequested || (duration is { } d && elapsed >= d)) return false;
            var failed = pipeline.Processes.FirstOrDefault(p => p.HasExited);
            if (failed is not null)
            {
                Console.Error.WriteLine($"[sensorstream] {failed.Name} exited with code {failed.ExitCode}; see {failed.LogFile}\n{failed.RecentOutput}");
                return false;
            }
            var snapshot = await PipelineSnapshot.CollectAsync(gateway, pipeline.Options.Stream, blobs, pipeline.State.MetricsPort, http, stop, watcher);
            show(snapshot, elapsed);
            try { return await period.WaitForNextTickAsync(stop); }
            catch (OperationCanceledException) { return false; }
        }

        try
        {
            if (plain)
            {
                TimeSpan? lastPrint = null;
                while (await TickAsync((s, e) =>
                       {
                           if (lastPrint is { } last && e - last < TimeSpan.FromSeconds(10)) return;
                           lastPrint = e;
                           Console.WriteLine(PlainProgress(s, e));
                       })) { }
            }
            else
            {
                await AnsiConsole.Live(new Markup("starting…")).StartAsync(async live =>
                {
                    while (await TickAsync((s, e) => { live.UpdateTarget(view.Render(s, e, duration)); live.Refresh(); })) { }
                });
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        return pipeline.Processes.All(p => !p.HasExited);
    }

    /// <summary>
    /// run --plain's progress line: this collector run's numbers, then the data folder's (all runs); a number a
    /// component does not serve yet (e.g. at 00:00) prints as n/a, a not-yet-checkpointed export range is named.
    /// </summary>
    public static string PlainProgress(PipelineSnapshot s, TimeSpan elapsed)
    {
        static string N(double? v) => v?.ToString("N0", CultureInfo.InvariantCulture) ?? "n/a";
        var failing = EdgeMetricLookup.Sensors(s.EdgeMetrics)
            .Select(id => (id, errors: EdgeMetricLookup.FindForSensor(s.EdgeMetrics, EdgeInstruments.SensorReadErrors, id)))
            .Where(x => x.errors > 0).Select(x => $"{x.id} {N(x.errors)}").ToList();
        return $"[sensorstream] {elapsed:mm\\:ss} this run: samples {N(s.Edge(EdgeInstruments.Samples))}, queue {N(s.Edge(EdgeInstruments.QueueEvents))} events, " +
               $"txns {N(s.Edge(EdgeInstruments.CommittedTransactions))}" + (failing.Count > 0 ? $", read errors: {string.Join(", ", failing)}" : "") +
               $"; all runs in the data folder: stream tail {N(s.StreamTailBytes)} B, mirrored {N(s.Cloud?.MirroredEvents)} events, " +
               $"exported (checkpointed) {N(s.Cloud?.ExportedRows)} rows{(s.Cloud?.ExportPending is not null ? " + a range being written" : "")}, " +
               $"export files {N(s.CsvFiles)} CSV / {N(s.ParquetFiles)} Parquet";
    }

    /// <summary>Verifies the stream, waits for the exports to hold every sample, prints the summary; 0 only when all is exact.</summary>
    private static async Task<int> SummarizeAsync(LocalPipeline pipeline, GatewayClient gateway, BlobServiceClient blobs, StreamName stream,
        CancellationToken ct)
    {
        Console.WriteLine("[sensorstream] verifying the stream and waiting for the cloud host to export everything (up to 3 minutes)");
        var started = pipeline.Run?.Started ?? DateTimeOffset.UtcNow;
        var audit = await PipelineVerification.RunAsync(gateway, blobs, stream, TimeSpan.FromMinutes(3),
            () => pipeline.Cloud is { HasExited: false }, ct, pipeline.RunStartTail);
        VerifyReport.Print($"stream {stream}", audit.Events, audit.Undecodable, audit.Stream);
        VerifyReport.Print("exports csv", audit.CsvFiles, 0, audit.Csv, "files");
        VerifyReport.Print("exports parquet", audit.ParquetFiles, 0, audit.Parquet, "files");
        Console.WriteLine();
        Console.WriteLine($"summary (this run, {started.UtcDateTime:yyyy-MM-dd HH:mm:ss}–{DateTime.UtcNow:HH:mm:ss} UTC):");
        Console.WriteLine($"  samples committed during this run: {audit.RunSamples.Values.Sum():N0} from {audit.RunSamples.Count} sensors in {audit.RunEvents:N0} events");
        Console.WriteLine($"summary (everything in the stream, all runs in {pipeline.Options.DataDir}):");
        Console.WriteLine($"  samples in stream: {audit.Stream.Samples:N0} from {audit.Stream.Sensors.Count} sensors in {audit.Events:N0} events");
        Console.WriteLine($"  files exported:    {audit.CsvFiles} CSV + {audit.ParquetFiles} Parquet in container '{ExportAudit.Container}' " +
                          $"(Azurite data in {Path.Combine(pipeline.Options.DataDir, "azurite")}; `{DataFolder.FollowUp(pipeline.Options.DataDir, $"export get {stream}")}` downloads them)");
        Console.WriteLine($"  logs:              {pipeline.Options.LogDir}");
        Console.WriteLine($"verify: {(audit.Clean ? "OK" : "FAILED")}: {audit.MissingSamples} missing samples, {audit.Duplicates} duplicates (stream, CSV and Parquet together)" +
                          (audit.ExportsComplete ? "" : "; the exports do not hold every sample of the stream"));
        return audit.Clean ? ExitCodes.Ok : ExitCodes.CheckFailed;
    }
}
