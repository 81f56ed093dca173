using SensorStream.Streams.Client;
using SensorStream.Testing;

namespace SensorStream.Cloud.Tests.Infrastructure;

/// <summary>
/// A second real gateway in <c>--protocol public</c> (standing in for a pravega-grpc-gateway in front of a Pravega
/// cluster) on its own temporary data directory, removed on dispose; one per test class (<c>IClassFixture</c>).
/// </summary>
public sealed class PublicGateway : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), $"cloud-pubgw-{Guid.NewGuid():N}");
    private GatewayProcess? _process;
    private GatewayClient? _client;

    public GatewayClient Client => _client ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        _process = await GatewayProcess.StartAsync(_dataDir, ["--protocol", "public"]);
        _client = new GatewayClient(_process.Endpoint.ToString());
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_process is not null) await _process.DisposeAsync();
        try { Directory.Delete(_dataDir, recursive: true); }
        catch (IOException) { /* best effort: temp folder */ }
    }
}
