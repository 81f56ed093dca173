using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using SensorStream.Streams.BlobStreams;

namespace SensorStream.Streams.Exporting;

/// <summary>
/// Writes the completeness markers of a partition folder: a <see cref="PartitionManifest"/> listing every export file
/// in the folder with its rows (from the file's <c>rows</c> metadata), then the empty <c>_SUCCESS</c>. Idempotent: the
/// manifest is written only when the newest one misses a file of the folder (so a retry, or a second exporter, writes
/// nothing new), as the next version, create-only.
/// </summary>
public sealed class CompletenessMarkers(ContainerGate exports)
{
    /// <summary>Blob metadata key of an export file's row count.</summary>
    public const string RowsKey = "rows";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>
    /// Makes the newest manifest of <paramref name="prefix"/> (a partition folder ending in '/') list every file in it,
    /// and <c>_SUCCESS</c> exist. Returns the version written, or 0 when the folder needed nothing new (or has no file).
    /// </summary>
    public async Task<int> EnsureAsync(string prefix, ExportFormat format, OpenPartition partition, CloudWatermark watermark, CancellationToken ct)
    {
        var container = await exports.ReadyAsync(ct).ConfigureAwait(false);
        var files = new List<ManifestFile>();
        var latest = 0;
        await foreach (var item in container.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, prefix, ct).ConfigureAwait(false))
        {
            var name = item.Name[prefix.Length..];
            if (name.Contains('/')) continue;
            if (ExportLayout.TryParseManifest(name, out var n)) latest = Math.Max(latest, n);
            else if (!name.StartsWith('_')) files.Add(new ManifestFile(name, RowsOf(item.Metadata), name.StartsWith(ExportLayout.LateFilePrefix, StringComparison.Ordinal)));
        }
        if (files.Count == 0) return 0;
        var written = 0;
        if (latest == 0 || !await ListsAllAsync(container.GetBlobClient(ExportLayout.ManifestName(prefix, latest)), files, ct).ConfigureAwait(false))
        {
            written = latest + 1;
            var manifest = new PartitionManifest
            {
                Version = written,
                Table = partition.Table,
                TableVersion = partition.Version,
                Format = format.Extension(),
                Hour = partition.Hour,
                Watermark = watermark.LowerTimeUtc,
                WatermarkNanos = watermark.LowerTimeBound,
                SourceCut = watermark.SourceCut,
                SourceChunk = watermark.Chunk,
                Files = files,
                Rows = files.Sum(f => f.Rows ?? 0),
                LateRows = files.Where(f => f.Late).Sum(f => f.Rows ?? 0),
            };
            await CreateOnlyAsync(container.GetBlobClient(ExportLayout.ManifestName(prefix, written)), BinaryData.FromObjectAsJson(manifest, Json), ct).ConfigureAwait(false);
        }
        // Also when the manifest was already there: a crash may have come between the two writes.
        await CreateOnlyAsync(container.GetBlobClient(prefix + ExportLayout.SuccessMarker), BinaryData.Empty, ct).ConfigureAwait(false);
        return written;
    }

    /// <summary>The newest manifest of a partition folder, or null when it has none.</summary>
    public async Task<PartitionManifest?> ReadLatestAsync(string prefix, CancellationToken ct = default)
    {
        var container = await exports.ReadyAsync(ct).ConfigureAwait(false);
        var latest = 0;
        await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix + "_manifest.", ct).ConfigureAwait(false))
            if (ExportLayout.TryParseManifest(item.Name, out var n)) latest = Math.Max(latest, n);
        if (latest == 0) return null;
        var content = (await container.GetBlobClient(ExportLayout.ManifestName(prefix, latest)).DownloadContentAsync(ct).ConfigureAwait(false)).Value.Content;
        return content.ToObjectFromJson<PartitionManifest>(Json);
    }

    private static async Task<bool> ListsAllAsync(Azure.Storage.Blobs.BlobClient manifest, List<ManifestFile> files, CancellationToken ct)
    {
        var content = (await manifest.DownloadContentAsync(ct).ConfigureAwait(false)).Value.Content;
        var listed = content.ToObjectFromJson<PartitionManifest>(Json)?.Files.Select(f => f.Name).ToHashSet(StringComparer.Ordinal)
                     ?? throw new InvalidDataException($"{manifest.Name} holds null");
        return files.All(f => listed.Contains(f.Name));
    }

    private static long? RowsOf(IDictionary<string, string>? metadata) =>
        metadata?.FirstOrDefault(kv => string.Equals(kv.Key, RowsKey, StringComparison.OrdinalIgnoreCase)).Value is { } text &&
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var rows) ? rows : null;

    private static async Task CreateOnlyAsync(Azure.Storage.Blobs.BlobClient blob, BinaryData content, CancellationToken ct)
    {
        try
        {
            await blob.UploadAsync(content, new BlobUploadOptions { Conditions = BlobConditions.CreateOnly }, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (BlobConditions.LostRace(e))
        {
            // written by an earlier attempt or another exporter: the same facts
        }
    }
}
