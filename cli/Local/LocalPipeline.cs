using System.Globalization;
using Azure.Storage.Blobs;
using SensorStream.Cli.Processes;
using SensorStream.Streams.Client;

namespace SensorStream.Cli.Local;

/// <summary>
/// Azurite, the gateway, the cloud host (mirror + export) and the edge collector as real processes on loopback,
/// with all their data under one folder. Started in dependency order and stopped in reverse, edge first so it can flush.
/// </summary>
public sealed class LocalPipeline : IAsyncDisposable
{
    private readonly List<ChildProcess> _started = [];

    public required PipelineOptions Options { get; init; }

    public required RunState State { get; init; }

    public required AzuriteEndpoints Azurite { get; init; }

    public ChildProcess? Edge { get; private set; }

    public ChildProcess? Cloud { get; private set; }

    public IReadOnlyList<ChildProcess> Processes => _started;

    public static async Task<LocalPipeline> StartAsync(PipelineOptions options, RepoLayout layout, Action<string> progress, CancellationToken ct)
    {
        Directory.CreateDirectory(options.DataDir);
        var azurite = new AzuriteEndpoints(FreePort.Next(), FreePort.Next(), FreePort.Next());
        var gatewayUrl = $"http://127.0.0.1:{FreePort.Next()}";
        var state = new RunState(gatewayUrl, azurite.ConnectionString, options.Stream.ToString(), FreePort.Next(), Environment.ProcessId);
        var pipeline = new LocalPipeline { Options = options, State = state, Azurite = azurite };
        try
        {
            await pipeline.StartAzuriteAsync(layout, progress, ct);
            await pipeline.StartGatewayAsync(layout, progress, ct);
            pipeline.StartCloud(layout, progress);
            await pipeline.StartEdgeAsync(layout, progress, ct);
            state.Save(options.DataDir);
            return pipeline;
        }
        catch
        {
            await pipeline.DisposeAsync();
            throw;
        }
    }

    private async Task StartAzuriteAsync(RepoLayout layout, Action<string> progress, CancellationToken ct)
    {
        progress("starting Azurite (Blob Storage emulator)");
        var location = Path.Combine(Options.DataDir, "azurite");
        Directory.CreateDirectory(location);
        var process = Track(ChildProcess.Start("azurite", layout.Azurite,
        [
            "--silent", "--skipApiVersionCheck", "--disableTelemetry", "--loose", "--location", location,
            "--blobHost", "127.0.0.1", "--blobPort", Azurite.BlobPort.ToString(CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", Azurite.QueuePort.ToString(CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", Azurite.TablePort.ToString(CultureInfo.InvariantCulture),
        ], Options.LogDir));
        var blobs = new BlobServiceClient(Azurite.ConnectionString);
        await Readiness.WaitAsync(process, async t => { await blobs.GetPropertiesAsync(t); return true; }, TimeSpan.FromSeconds(60), ct);
    }

    private async Task StartGatewayAsync(RepoLayout layout, Action<string> progress, CancellationToken ct)
    {
        progress("starting the stream gateway");
        var process = Track(ChildProcess.Start("gateway", "dotnet",
            [layout.Component("gateway", "SensorStream.Gateway"), "--data-dir", Path.Combine(Options.DataDir, "gateway"), "--urls", State.Gateway],
            Options.LogDir));
        using var client = new GatewayClient(new GatewayClientOptions { Endpoint = new Uri(State.Gateway), MaxRetryAttempts = 0 });
        await Readiness.WaitAsync(process, async t => { await client.ListScopesAsync(t); return true; }, TimeSpan.FromSeconds(60), ct);
        await client.EnsureStreamAsync(Options.Stream, ct: ct);
    }

    private void StartCloud(RepoLayout layout, Action<string> progress)
    {
        progress("starting the cloud host (mirror + export, no Functions Core Tools needed)");
        Cloud = Track(ChildProcess.Start("cloud", "dotnet", [layout.Component("functions", "SensorStream.Functions"), "local"], Options.LogDir,
            new Dictionary<string, string>
            {
                ["AzureWebJobsStorage"] = Azurite.ConnectionString,
                ["GATEWAY_ENDPOINT"] = State.Gateway,
                ["MIRROR_STREAMS"] = Options.Stream.ToString(),
                ["MIRROR_SCHEDULE"] = "*/5 * * * * *",
                ["EXPORT_SCHEDULE"] = "*/5 * * * * *",
                ["EXPORT_IDLE_FLUSH_SECONDS"] = "5",
            }, workingDirectory: layout.Root));
    }

    private async Task StartEdgeAsync(RepoLayout layout, Action<string> progress, CancellationToken ct)
    {
        progress($"starting the edge collector ({string.Join(", ", Options.Sensors)} at {Options.RateHz} Hz)");
        var edgeDir = Path.Combine(Options.DataDir, "edge");
        Directory.CreateDirectory(edgeDir);
        var args = new List<string>
        {
            layout.Component("edge-module", "SensorStream.EdgeModule"),
            "--gateway", State.Gateway, "--scope", Options.Stream.Scope, "--stream", Options.Stream.Stream,
            "--db", Path.Combine(edgeDir, "queue.db"),
            "--rate", Options.RateHz.ToString(CultureInfo.InvariantCulture), "--batch", Options.Batch.ToString(CultureInfo.InvariantCulture),
            "--metrics-port", State.MetricsPort.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var s in Options.Sensors) args.AddRange(["--sensor", s]);
        Edge = Track(ChildProcess.Start("edge", "dotnet", args, Options.LogDir));
        using var http = new HttpClient();
        await Readiness.WaitAsync(Edge, async t =>
            (await http.GetAsync($"http://127.0.0.1:{State.MetricsPort}/metrics", t)).IsSuccessStatusCode, TimeSpan.FromSeconds(60), ct);
    }

    private ChildProcess Track(ChildProcess process)
    {
        _started.Add(process);
        return process;
    }

    /// <summary>Stops the collector with SIGTERM so it flushes its open batch and commits what is queued.</summary>
    public Task StopEdgeAsync() => Edge?.StopAsync(TimeSpan.FromSeconds(30)) ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        for (var i = _started.Count - 1; i >= 0; i--) await _started[i].DisposeAsync();
        _started.Clear();
        var runFile = Path.Combine(Options.DataDir, RunState.FileName);
        if (File.Exists(runFile)) File.Delete(runFile);
    }
}
