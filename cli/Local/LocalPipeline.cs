using System.Globalization;
using Azure.Storage.Blobs;
using SensorStream.Cli.Processes;
using SensorStream.Streams.Client;
using SensorStream.Streams.Protocol;

namespace SensorStream.Cli.Local;

/// <summary>
/// Azurite, the gateway, the cloud host (mirror + export) and the edge collector as real processes on loopback,
/// with all their data under one folder. Started in dependency order and stopped in reverse, edge first so it can
/// flush. Each component can be killed and started again on the same ports and data (the chaos harness does).
/// </summary>
public sealed class LocalPipeline : IAsyncDisposable
{
    public const string AzuriteName = "azurite";
    public const string GatewayName = "gateway";
    public const string CloudName = "cloud";
    public const string EdgeName = "edge";

    /// <summary>Start order; stop order is the reverse.</summary>
    public static readonly IReadOnlyList<string> Order = [AzuriteName, GatewayName, CloudName, EdgeName];

    private readonly Dictionary<string, ChildProcess> _running = new();
    private readonly object _gate = new(); // a monitor (e.g. a resource sampler) may read while a component restarts
    private readonly RepoLayout _layout;
    private readonly Action<string> _progress;
    private readonly DataFolderLock _lock;
    private readonly LastRun? _run; // null for the services a follow-up verb starts on an ended run's data
    private bool _published; // run.json and last-run.json written: the run started; a run that failed to start keeps the previous record

    private LocalPipeline(PipelineOptions options, RunState state, AzuriteEndpoints azurite, RepoLayout layout, Action<string> progress,
        DataFolderLock dataLock, LastRun? run)
    {
        Options = options;
        State = state;
        Azurite = azurite;
        _layout = layout;
        _progress = progress;
        _lock = dataLock;
        _run = run;
    }

    public PipelineOptions Options { get; }

    public RunState State { get; }

    public AzuriteEndpoints Azurite { get; }

    /// <summary>The run this pipeline is (null for the services a follow-up verb starts on an ended run's data).</summary>
    public LastRun? Run => _run;

    /// <summary>
    /// The stream's tail when the gateway of this run was ready and before its collector started: events after it were
    /// committed during this run (whatever their samples' timestamps, e.g. imported CSV rows). Null for a follow-up verb.
    /// </summary>
    public StreamCut? RunStartTail { get; private set; }

    /// <summary>
    /// Local defaults for the cloud host: short schedules so a short run exports before it ends, and a 10 s roll so the
    /// live view's "exported" advances during the run (data keeps arriving, so the idle flush alone would wait for the end).
    /// </summary>
    private static readonly IReadOnlyDictionary<string, string> CloudDefaults = new Dictionary<string, string>
    {
        ["MIRROR_SCHEDULE"] = "*/5 * * * * *",
        ["EXPORT_SCHEDULE"] = "*/5 * * * * *",
        ["EXPORT_IDLE_FLUSH_SECONDS"] = "5s",
        ["EXPORT_ROLL_SECONDS"] = "10s",
    };

    public ChildProcess? Edge => _running.GetValueOrDefault(EdgeName);

    public ChildProcess? Cloud => _running.GetValueOrDefault(CloudName);

    public IReadOnlyList<ChildProcess> Processes
    {
        get { lock (_gate) return Order.Where(_running.ContainsKey).Select(n => _running[n]).ToList(); }
    }

    /// <summary>
    /// Takes the data folder's lock (<see cref="DataFolderBusyException"/> when another run or verb holds it, or a leftover
    /// process still uses the folder's data, before anything starts), starts every component in <see cref="Order"/>, and
    /// publishes <c>run.json</c> and <c>last-run.json</c> (a run that fails to start leaves the previous <c>last-run.json</c> as it was).
    /// </summary>
    public static async Task<LocalPipeline> StartAsync(PipelineOptions options, RepoLayout layout, Action<string> progress, CancellationToken ct)
    {
        var dataLock = DataFolderLock.Acquire(options.DataDir, "sensorstream run");
        var run = new LastRun(options.Stream.ToString(), options.Sensors, DateTimeOffset.UtcNow, null, options.Secure);
        return await StartAsync(options, layout, progress, dataLock, run, Order, LocalCredentials.Prepare, ct);
    }

    /// <summary>
    /// For a follow-up verb after a run has ended: takes the data folder's lock, then starts only <paramref name="components"/>
    /// (Azurite and/or the gateway) on the folder's data, with the last run's certificate and token when it used TLS.
    /// Creates no stream and publishes nothing; disposing stops them and releases the lock.
    /// </summary>
    public static Task<LocalPipeline> StartServicesAsync(PipelineOptions options, RepoLayout layout, DataFolderLock dataLock,
        IReadOnlyList<string> components, Action<string> progress, CancellationToken ct) =>
        StartAsync(options, layout, progress, dataLock, null, components, LocalCredentials.In, ct);

    private static async Task<LocalPipeline> StartAsync(PipelineOptions options, RepoLayout layout, Action<string> progress,
        DataFolderLock dataLock, LastRun? run, IReadOnlyList<string> components,
        Func<string, LocalCredentials> credentialsOf, CancellationToken ct)
    {
        var azurite = new AzuriteEndpoints(FreePort.Next(), FreePort.Next(), FreePort.Next());
        var credentials = options.Secure ? credentialsOf(options.DataDir) : null;
        var state = new RunState($"{(credentials is null ? "http" : "https")}://127.0.0.1:{FreePort.Next()}", azurite.ConnectionString,
            options.Stream.ToString(), FreePort.Next(), Environment.ProcessId, credentials?.CertFile, credentials?.TokenFile);
        var pipeline = new LocalPipeline(options, state, azurite, layout, progress, dataLock, run);
        try
        {
            // The lock is ours, so no run or verb of this folder is live; a process still using its data is a leftover.
            var leftovers = Order.Where(c => c != CloudName).SelectMany(c => Leftovers.Inside(Path.Combine(options.DataDir, c))).ToList();
            if (leftovers.Count > 0)
                throw new DataFolderBusyException($"the data folder {options.DataDir} is still used by {string.Join(", ", leftovers)}, " +
                                                  Leftovers.Advice(leftovers));
            if (run is not null)
                foreach (var name in components) await pipeline.StartComponentAsync(name, ct);
            else // a follow-up verb's services do not depend on each other: start them together
                await Task.WhenAll(components.Select(name => pipeline.StartComponentAsync(name, ct)));
            if (run is not null)
            {
                state.Save(options.DataDir);
                run.Save(options.DataDir);
                pipeline._published = true;
            }
            return pipeline;
        }
        catch
        {
            await pipeline.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts (or restarts) one component and waits until it answers.</summary>
    public async Task StartComponentAsync(string name, CancellationToken ct)
    {
        ChildProcess? old;
        lock (_gate) _running.TryGetValue(name, out old);
        if (old is not null)
        {
            if (!old.HasExited) throw new InvalidOperationException($"{name} is already running");
            await old.DisposeAsync();
        }
        switch (name)
        {
            case AzuriteName: await StartAzuriteAsync(ct); break;
            case GatewayName: await StartGatewayAsync(ct); break;
            case CloudName: StartCloud(); break;
            case EdgeName: await StartEdgeAsync(ct); break;
            default: throw new ArgumentException($"unknown component '{name}'", nameof(name));
        }
    }

    /// <summary>kill -9: the component gets no chance to flush (a crash or power cut).</summary>
    public void Kill(string name)
    {
        if (_running.TryGetValue(name, out var p)) p.Kill();
    }

    /// <summary>SIGTERM with a grace period (a clean stop).</summary>
    public Task StopComponentAsync(string name) =>
        _running.TryGetValue(name, out var p) ? p.StopAsync(TimeSpan.FromSeconds(30)) : Task.CompletedTask;

    public bool IsRunning(string name) => _running.TryGetValue(name, out var p) && !p.HasExited;

    private async Task StartAzuriteAsync(CancellationToken ct)
    {
        _progress("starting Azurite (Blob Storage emulator)");
        var location = Path.Combine(Options.DataDir, "azurite");
        Directory.CreateDirectory(location);
        var process = Track(AzuriteName, ChildProcess.Start(AzuriteName, _layout.Azurite,
        [
            "--silent", "--skipApiVersionCheck", "--disableTelemetry", "--loose", "--location", location,
            "--blobHost", "127.0.0.1", "--blobPort", Port(Azurite.BlobPort),
            "--queueHost", "127.0.0.1", "--queuePort", Port(Azurite.QueuePort),
            "--tableHost", "127.0.0.1", "--tablePort", Port(Azurite.TablePort),
        ], Options.LogDir, dataFolder: location));
        var blobs = new BlobServiceClient(Azurite.ConnectionString);
        await Readiness.WaitAsync(process, async t => { await blobs.GetPropertiesAsync(t); return true; }, TimeSpan.FromSeconds(60), ct);
    }

    private async Task StartGatewayAsync(CancellationToken ct)
    {
        _progress("starting the stream gateway");
        var process = Track(GatewayName, ChildProcess.Start(GatewayName, "dotnet",
            [_layout.Component("gateway", "SensorStream.Gateway"), "--data-dir", Path.Combine(Options.DataDir, "gateway"), "--urls", State.Gateway,
                .. Options.Secure ? LocalCredentials.In(Options.DataDir).GatewayArguments : []],
            Options.LogDir, EnvironmentOf(GatewayName), dataFolder: Path.Combine(Options.DataDir, "gateway")));
        using var client = new GatewayClient(State.ClientOptions(maxRetryAttempts: 0));
        // The standard gRPC health service, not ListScopes: a gateway in --protocol public has no ListScopes.
        await Readiness.WaitAsync(process, async t => await client.IsServingAsync(t) ? true
            : throw new InvalidOperationException("the gateway's health service answers NOT_SERVING (its store cannot write)"), TimeSpan.FromSeconds(60), ct);
        if (_run is null) return; // a follow-up verb only reads
        await client.EnsureStreamAsync(Options.Stream, ct: ct);
        RunStartTail = (await client.GetStreamInfoAsync(Options.Stream, ct)).Tail;
    }

    private void StartCloud()
    {
        _progress("starting the cloud host (mirror + export, no Functions Core Tools needed)");
        var environment = new Dictionary<string, string>(CloudDefaults)
        {
            ["AzureWebJobsStorage"] = Azurite.ConnectionString,
            ["GATEWAY_ENDPOINT"] = State.Gateway,
            ["MIRROR_STREAMS"] = Options.Stream.ToString(),
        };
        Track(CloudName, ChildProcess.Start(CloudName, "dotnet", [_layout.Component("functions-local", "SensorStream.Functions.LocalHost")],
            Options.LogDir, EnvironmentOf(CloudName, environment, Options.Secure ? LocalCredentials.In(Options.DataDir).CloudEnvironment : null,
                Options.CloudSettings), workingDirectory: _layout.Root));
    }

    private async Task StartEdgeAsync(CancellationToken ct)
    {
        _progress($"starting the edge collector ({string.Join(", ", Options.Sensors)} at {Options.RateHz} Hz)");
        var edgeDir = Path.Combine(Options.DataDir, "edge");
        Directory.CreateDirectory(edgeDir);
        var args = new List<string>
        {
            _layout.Component("edge-module", "SensorStream.EdgeModule"),
            "--gateway", State.Gateway, "--scope", Options.Stream.Scope, "--stream", Options.Stream.Stream,
            "--db", Path.Combine(edgeDir, "queue.db"),
            "--rate", Port(Options.RateHz), "--batch", Port(Options.Batch),
            "--metrics-port", Port(State.MetricsPort),
        };
        foreach (var s in Options.Sensors) args.AddRange(["--sensor", s]);
        if (Options.Secure) args.AddRange(LocalCredentials.In(Options.DataDir).EdgeArguments);
        var process = Track(EdgeName, ChildProcess.Start(EdgeName, "dotnet", args, Options.LogDir,
            EnvironmentOf(EdgeName, Options.Secure ? LocalCredentials.EdgeEnvironment : null), dataFolder: edgeDir));
        // Ready once the collector reports that it samples (or its host that it started). The metrics port is not
        // probed: .NET's managed HttpListener can fail to start when a connection is already waiting the instant it
        // begins listening, so an eager probe could break the collector; the live view reads metrics when they come.
        await Readiness.WaitAsync(process, _ => Task.FromResult(process.Printed("Application started") || process.Printed("Sampling ")),
            TimeSpan.FromSeconds(60), ct);
    }

    /// <summary>A component's environment: the given layers in order, later ones winning, then its <see cref="PipelineOptions.ComponentEnvironment"/>.</summary>
    private Dictionary<string, string> EnvironmentOf(string name, params IReadOnlyDictionary<string, string>?[] layers)
    {
        var environment = new Dictionary<string, string>();
        foreach (var layer in layers.Append(Options.ComponentEnvironment.GetValueOrDefault(name)))
            foreach (var (key, value) in layer ?? new Dictionary<string, string>()) environment[key] = value;
        return environment;
    }

    private static string Port(int value) => value.ToString(CultureInfo.InvariantCulture);

    private ChildProcess Track(string name, ChildProcess process)
    {
        lock (_gate) _running[name] = process;
        return process;
    }

    public async ValueTask DisposeAsync()
    {
        // run.json goes first: no verb may pick up endpoints that are about to stop answering.
        var runFile = Path.Combine(Options.DataDir, RunState.FileName);
        if (_run is not null && File.Exists(runFile)) File.Delete(runFile);
        foreach (var name in Order.Reverse())
        {
            ChildProcess? p;
            lock (_gate) _running.Remove(name, out p);
            if (p is not null) await p.DisposeAsync();
        }
        if (_published) (_run! with { Ended = DateTimeOffset.UtcNow }).Save(Options.DataDir);
        _lock.Dispose();
    }
}
