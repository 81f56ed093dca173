using Azure.Storage.Blobs;

namespace SensorStream.Streams.BlobStreams;

/// <summary>
/// Creates a container the first time it is needed. A failed attempt is forgotten so that the next call tries again
/// (the storage account may simply not have been reachable yet).
/// </summary>
public sealed class ContainerGate(BlobContainerClient container)
{
    private Task? _created;
    private readonly Lock _lock = new();

    public BlobContainerClient Container => container;

    public async Task<BlobContainerClient> ReadyAsync(CancellationToken ct)
    {
        Task created;
        lock (_lock) created = _created ??= container.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None);
        try
        {
            await created.WaitAsync(ct).ConfigureAwait(false);
        }
        catch when (created.IsFaulted)
        {
            lock (_lock) if (ReferenceEquals(_created, created)) _created = null;
            throw;
        }
        return container;
    }
}
