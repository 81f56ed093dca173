using Azure.Storage.Blobs;
using SensorStream.Streams.BlobStreams;
using SensorStream.Streams.Naming;

namespace SensorStream.Cloud.Tests.Infrastructure;

/// <summary>One Azurite per test class (xunit class fixture); tests keep apart by using their own stream names.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteProcess? _azurite;
    private int _streams;

    public AzuriteProcess Azurite => _azurite ?? throw new InvalidOperationException("not started");

    public BlobServiceClient Blobs { get; private set; } = null!;

    public BlobStreamStore Store { get; private set; } = null!;

    /// <summary>A stream name no other test of this class uses.</summary>
    public StreamName NewStream(string hint) => new("cloudtests", $"{hint}-{Interlocked.Increment(ref _streams)}");

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteProcess.StartAsync();
        Blobs = _azurite.CreateClient();
        Store = new BlobStreamStore(Blobs);
    }

    public async Task DisposeAsync()
    {
        if (_azurite is not null) await _azurite.DisposeAsync();
    }
}
