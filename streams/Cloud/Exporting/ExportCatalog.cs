using System.Runtime.CompilerServices;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using SensorStream.Streams.Naming;

namespace SensorStream.Streams.Exporting;

/// <summary>An exported file: its blob name, size and when it was written.</summary>
public sealed record ExportFile(string Name, ExportFormat Format, long Bytes, DateTimeOffset? Written);

/// <summary>Lists and downloads the exported files of a stream (for a CLI, the status page, the tests).</summary>
public sealed class ExportCatalog(BlobServiceClient service)
{
    private readonly BlobContainerClient _container = service.GetBlobContainerClient(ExportLayout.Container);

    /// <summary>The files of one format, in name order (= partition, then chunk range).</summary>
    public async IAsyncEnumerable<ExportFile> ListAsync(StreamName stream, ExportFormat format, [EnumeratorCancellation] CancellationToken ct = default)
    {
        if (!await _container.ExistsAsync(ct).ConfigureAwait(false)) yield break;
        await foreach (var item in _container.GetBlobsAsync(BlobTraits.None, BlobStates.None, ExportLayout.StreamPrefix(format, stream), ct).ConfigureAwait(false))
            yield return new ExportFile(item.Name, format, item.Properties.ContentLength ?? 0, item.Properties.LastModified);
    }

    /// <summary>Names of the dead-letter blobs of a stream.</summary>
    public async IAsyncEnumerable<string> ListDeadLettersAsync(StreamName stream, [EnumeratorCancellation] CancellationToken ct = default)
    {
        if (!await _container.ExistsAsync(ct).ConfigureAwait(false)) yield break;
        await foreach (var item in _container.GetBlobsAsync(BlobTraits.None, BlobStates.None, ExportLayout.DeadLetterPrefix(stream), ct).ConfigureAwait(false))
            yield return item.Name;
    }

    public async Task DownloadAsync(string name, Stream destination, CancellationToken ct = default) =>
        await _container.GetBlobClient(name).DownloadToAsync(destination, ct).ConfigureAwait(false);

    public async Task<BinaryData> DownloadAsync(string name, CancellationToken ct = default) =>
        (await _container.GetBlobClient(name).DownloadContentAsync(ct).ConfigureAwait(false)).Value.Content;
}
