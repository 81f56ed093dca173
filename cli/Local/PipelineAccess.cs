using Azure.Core;
using Azure.Storage.Blobs;
using SensorStream.Cli.Commands;
using SensorStream.Cli.Processes;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;

namespace SensorStream.Cli.Local;

/// <summary>
/// How a follow-up verb (`status`, `tail`, `export get`, `plot`, `verify`) reaches the gateway and Blob Storage:
/// <list type="number">
/// <item>a named endpoint (<c>--gateway</c>/<c>SENSORSTREAM_GATEWAY</c>, <c>--storage</c>/<c>AzureWebJobsStorage</c>) is used as given;</item>
/// <item>otherwise, while a `run` is live in the data folder (it holds the folder's lock and published <c>run.json</c>), its endpoints;</item>
/// <item>otherwise, when an earlier run left its data there, this verb takes the folder's lock and starts, for its own
/// duration only, that folder's gateway and/or Azurite on free loopback ports (the verbs only read; no stream is created);</item>
/// <item>otherwise it fails at once (<see cref="ExitCodes.Unavailable"/>) naming what to start.</item>
/// </list>
/// </summary>
public sealed class PipelineAccess : IAsyncDisposable
{
    private readonly LocalPipeline? _services;
    private readonly GatewayClientOptions? _gateway;
    private GatewayClient? _client;

    private PipelineAccess(GatewayClientOptions? gateway, string? storage, RunState? live, LastRun? lastRun, LocalPipeline? services)
    {
        _gateway = gateway;
        Storage = storage;
        Live = live;
        LastRun = lastRun;
        _services = services;
    }

    /// <summary>The Blob Storage connection string (null when the verb did not ask for storage).</summary>
    public string? Storage { get; }

    /// <summary>The live run's published state, when the endpoints came from a live run.</summary>
    public RunState? Live { get; }

    /// <summary>The data folder's latest run (null when endpoints were named or no run was recorded).</summary>
    public LastRun? LastRun { get; }

    /// <summary>The gateway client (created on first use).</summary>
    public GatewayClient Gateway
    {
        get
        {
            if (_client is not null) return _client;
            var options = _gateway ?? throw new InvalidOperationException("this verb did not ask for the gateway");
            LastEndpoint = options.Endpoint.ToString();
            return _client = new GatewayClient(options);
        }
    }

    /// <summary>The endpoint of the last gateway client created, so errors can name it.</summary>
    public static string? LastEndpoint { get; private set; }

    /// <summary>Blob Storage with few, short retries: a storage account that does not answer is reported in seconds, not minutes.</summary>
    public BlobServiceClient Blobs => new(Storage ?? throw new InvalidOperationException("this verb did not ask for storage"), new BlobClientOptions
    {
        Retry = { MaxRetries = 1, Delay = TimeSpan.FromMilliseconds(200), Mode = RetryMode.Fixed, NetworkTimeout = TimeSpan.FromSeconds(20) },
    });

    /// <summary>Resolves the endpoints <paramref name="verb"/> needs; starts the ended run's services when that is the way (see the class summary).</summary>
    /// <exception cref="CliException">Nothing to talk to, the folder is busy, or a service would not start.</exception>
    public static async Task<PipelineAccess> OpenAsync(GatewaySettings settings, string verb, bool needsGateway, bool needsStorage, CancellationToken ct)
    {
        var namedGateway = settings.NamedGateway;
        var namedStorage = (settings as LocalRunSettings)?.NamedStorage;
        var gateway = namedGateway is null ? null : settings.NamedClientOptions(namedGateway);
        var storage = namedStorage;
        if ((!needsGateway || namedGateway is not null) && (!needsStorage || namedStorage is not null))
            return new PipelineAccess(gateway, storage, null, null, null);

        var dataDir = settings.ResolvedDataDir;
        var lastRun = LastRun.Load(dataDir);
        var nothingHere = $"nothing is running and {dataDir}{DataFolder.Origin(settings.DataDir)} holds no earlier run: start one with `./run.sh` " +
                          "(or name a service with --gateway URL / --storage CONNECTION_STRING)";
        if (!Directory.Exists(dataDir)) throw new CliException(ExitCodes.Unavailable, nothingHere);
        var components = new List<string>();
        if (needsStorage && namedStorage is null) components.Add(LocalPipeline.AzuriteName);
        if (needsGateway && namedGateway is null) components.Add(LocalPipeline.GatewayName);
        var missing = components.Select(c => Path.Combine(dataDir, c)).FirstOrDefault(d => !Directory.Exists(d));
        // Checked before the lock is taken, so a folder without a run is left as it was (no lock file is created in it).
        if (missing is not null && !File.Exists(Path.Combine(dataDir, RunState.FileName)))
            throw new CliException(ExitCodes.Unavailable, $"{nothingHere}; {missing} does not exist");

        DataFolderLock dataLock;
        try
        {
            dataLock = DataFolderLock.Acquire(dataDir, $"sensorstream {verb}");
        }
        catch (DataFolderBusyException busy)
        {
            // A live run holds the lock and has published its endpoints.
            if (RunState.Load(dataDir) is not { } live) throw new CliException(ExitCodes.DataFolderBusy, busy.Message);
            return new PipelineAccess(gateway ?? live.ClientOptions(maxRetryAttempts: 2), storage ?? live.StorageConnectionString, live, lastRun, null);
        }

        // The lock is ours, so no run is live: a run.json left here is from a run that was killed.
        File.Delete(Path.Combine(dataDir, RunState.FileName));
        if (missing is not null)
        {
            dataLock.Dispose();
            throw new CliException(ExitCodes.Unavailable, $"{nothingHere}; {missing} does not exist");
        }

        var stream = (settings as StreamSettings)?.StreamName ?? (lastRun is null ? new StreamName("sensorstream", "sensors") : StreamName.Parse(lastRun.Stream));
        var options = new PipelineOptions(dataDir, lastRun?.Sensors ?? [], 1, 1, stream)
        {
            Secure = lastRun?.Secure == true && File.Exists(LocalCredentials.In(dataDir).TokenFile),
        };
        var ended = lastRun?.Ended is { } end ? $"ended {end.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC" : "is not running";
        Console.Error.WriteLine($"[sensorstream] the run in {dataDir} {ended}; starting its {string.Join(" and ", components.Select(c => c == LocalPipeline.AzuriteName ? "Azurite" : c))} on its data for this command");
        LocalPipeline services;
        try
        {
            services = await LocalPipeline.StartServicesAsync(options, RepoLayout.Discover(), dataLock, components, _ => { }, ct);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            dataLock.Dispose();
            throw new CliException(ExitCodes.ComponentFailed, FirstLine(e.Message));
        }
        return new PipelineAccess(gateway ?? services.State.ClientOptions(maxRetryAttempts: 2),
            storage ?? services.Azurite.ConnectionString, null, lastRun, services);
    }

    private static string FirstLine(string text) => text.Split('\n')[0];

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_services is not null) await _services.DisposeAsync();
    }
}
