using SensorStream.Gateway.Storage;

namespace SensorStream.Gateway.Hosting;

/// <summary>
/// The gateway running inside the current process (tests, tools): the same application as the executable.
/// Use <c>Urls = "http://127.0.0.1:0"</c> for a free port and read <see cref="Endpoint"/>.
/// </summary>
public sealed class GatewayServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _stopped;

    private GatewayServer(WebApplication app, GatewaySettings settings)
    {
        _app = app;
        Settings = settings;
        Addresses = GatewayApp.Addresses(app);
        Store = app.Services.GetRequiredService<GatewayStore>();
    }

    public GatewaySettings Settings { get; }
    public IReadOnlyList<Uri> Addresses { get; }

    /// <summary>The first address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Endpoint => Addresses[0];

    /// <summary>The store behind the service (tests use it to run upkeep on demand).</summary>
    public GatewayStore Store { get; }

    /// <summary>Write-request bytes held in memory across calls (<c>--max-buffered-bytes</c>).</summary>
    public Service.RequestBytesBudget RequestBytes => _app.Services.GetRequiredService<Service.RequestBytesBudget>();

    /// <summary>Reads in progress across the gateway (<c>--max-readers</c>).</summary>
    public Service.ReaderSlots Readers => _app.Services.GetRequiredService<Service.ReaderSlots>();

    /// <summary>The pool Kestrel receives and sends through (<see cref="LargeBlockMemoryPool"/>).</summary>
    public LargeBlockMemoryPool MemoryPool => ((LargeBlockMemoryPool.Factory)_app.Services.GetRequiredService<Microsoft.AspNetCore.Connections.IMemoryPoolFactory<byte>>()).Pool;

    public static async Task<GatewayServer> StartAsync(GatewaySettings settings, Action<ILoggingBuilder>? logging = null, CancellationToken ct = default)
    {
        var app = GatewayApp.Build(settings, [], logging);
        await app.StartAsync(ct).ConfigureAwait(false);
        GatewayApp.LogListening(app, settings);
        return new GatewayServer(app, settings);
    }

    /// <summary>Stops listening (in-flight calls finish), then finishes queued commits and checkpoints.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
