using Microsoft.Extensions.Logging;
using SensorStream.Gateway.Hosting;
using SensorStream.Streams.Client;

namespace SensorStream.Gateway.Tests;

/// <summary>An in-process gateway on a free loopback port over a temp data directory, with a client.</summary>
public sealed class TestGateway : IAsyncDisposable
{
    private readonly TempDirectory? _ownedDirectory;

    private TestGateway(GatewayServer server, TempDirectory? ownedDirectory, GatewayClientOptions? clientOptions)
    {
        Server = server;
        _ownedDirectory = ownedDirectory;
        Client = new GatewayClient(clientOptions ?? new GatewayClientOptions { Endpoint = server.Endpoint });
    }

    public GatewayServer Server { get; }
    public GatewayClient Client { get; }
    public string DataDir => Server.Settings.DataDir;

    public static async Task<TestGateway> StartAsync(Func<GatewaySettings, GatewaySettings>? configure = null, string? dataDir = null,
        Func<Uri, GatewayClientOptions>? client = null)
    {
        var owned = dataDir is null ? new TempDirectory() : null;
        var settings = new GatewaySettings
        {
            DataDir = dataDir ?? owned!.Path,
            Urls = "http://127.0.0.1:0",
            MaintenanceIntervalMs = 20,
        };
        if (configure is not null) settings = configure(settings);
        var server = await GatewayServer.StartAsync(settings, logging => logging.SetMinimumLevel(LogLevel.Warning));
        return new TestGateway(server, owned, client?.Invoke(server.Endpoint));
    }

    /// <summary>Stops this server cleanly and starts a new one on the same data directory (and settings).</summary>
    public async Task<TestGateway> RestartAsync()
    {
        Client.Dispose();
        await Server.StopAsync();
        var settings = Server.Settings;
        var server = await GatewayServer.StartAsync(settings, logging => logging.SetMinimumLevel(LogLevel.Warning));
        return new TestGateway(server, _ownedDirectory, null);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        _ownedDirectory?.Dispose();
    }
}
