using SensorStream.Streams.Client;
using SensorStream.Testing;

namespace SensorStream.Cloud.Tests.Infrastructure;

/// <summary>The real gateway (a child process) plus Azurite, one of each per test class.</summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "cloud-gw-" + Guid.NewGuid().ToString("N"));
    private GatewayProcess? _gateway;

    public AzuriteFixture Storage { get; } = new();

    public GatewayProcess Gateway => _gateway ?? throw new InvalidOperationException("not started");

    public GatewayClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var storage = Storage.InitializeAsync();
        _gateway = await GatewayProcess.StartAsync(_dataDir);
        Client = new GatewayClient(new GatewayClientOptions { Endpoint = _gateway.Endpoint });
        await storage;
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_gateway is not null) await _gateway.DisposeAsync();
        await Storage.DisposeAsync();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // best effort: temp folder
        }
    }
}
