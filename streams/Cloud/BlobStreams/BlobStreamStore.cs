using System.Runtime.CompilerServices;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using SensorStream.Streams.Naming;

namespace SensorStream.Streams.BlobStreams;

/// <summary>The <c>streams</c> container: opens blob streams and lists the streams it holds.</summary>
public sealed class BlobStreamStore(BlobServiceClient service)
{
    private readonly ContainerGate _container = new(service.GetBlobContainerClient(BlobStreamLayout.Container));

    public BlobServiceClient Service => service;

    public async Task<BlobStream> OpenAsync(StreamName stream, CancellationToken ct = default) =>
        new(await _container.ReadyAsync(ct).ConfigureAwait(false), stream);

    /// <summary>Every stream that has a blob copy, found through the <c>{scope}/{stream}/</c> name hierarchy.</summary>
    public async IAsyncEnumerable<StreamName> ListStreamsAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        var container = await _container.ReadyAsync(ct).ConfigureAwait(false);
        await foreach (var scope in container.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", null, ct).ConfigureAwait(false))
        {
            if (!scope.IsPrefix) continue;
            await foreach (var stream in container.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", scope.Prefix, ct).ConfigureAwait(false))
            {
                if (!stream.IsPrefix) continue;
                var parts = stream.Prefix.TrimEnd('/').Split('/');
                if (parts.Length == 2 && NameRules.Problem(parts[0], "scope") is null && NameRules.Problem(parts[1], "stream") is null)
                    yield return new StreamName(parts[0], parts[1]);
            }
        }
    }
}
