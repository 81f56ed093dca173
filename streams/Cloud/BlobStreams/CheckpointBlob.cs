using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;

namespace SensorStream.Streams.BlobStreams;

/// <summary>A checkpoint read together with the ETag it must still have when it is replaced.</summary>
public sealed record Versioned<T>(T Value, ETag? ETag) where T : class;

/// <summary>
/// A small JSON document in a blob, replaced only through optimistic concurrency: a write names the ETag it read
/// (or creates only), so of two writers that read the same version exactly one succeeds.
/// </summary>
public sealed class CheckpointBlob<T>(ContainerGate container, string name) where T : class
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Name => name;

    /// <summary>The current value, or <paramref name="initial"/> with no ETag when the blob does not exist.</summary>
    public async Task<Versioned<T>> ReadAsync(T initial, CancellationToken ct = default)
    {
        var blob = (await container.ReadyAsync(ct).ConfigureAwait(false)).GetBlobClient(name);
        try
        {
            var result = (await blob.DownloadContentAsync(ct).ConfigureAwait(false)).Value;
            var value = result.Content.ToObjectFromJson<T>(Json) ?? throw new InvalidDataException($"checkpoint {name} holds null");
            return new Versioned<T>(value, result.Details.ETag);
        }
        catch (RequestFailedException e) when (BlobConditions.NotFound(e))
        {
            return new Versioned<T>(initial, null);
        }
    }

    /// <summary>Replaces the version read; null when another writer changed it first (nothing was written).</summary>
    public async Task<Versioned<T>?> TryReplaceAsync(Versioned<T> read, T value, CancellationToken ct = default)
    {
        var blob = (await container.ReadyAsync(ct).ConfigureAwait(false)).GetBlobClient(name);
        try
        {
            var response = await blob.UploadAsync(BinaryData.FromObjectAsJson(value, Json),
                new Azure.Storage.Blobs.Models.BlobUploadOptions { Conditions = BlobConditions.Replacing(read.ETag) }, ct).ConfigureAwait(false);
            return new Versioned<T>(value, response.Value.ETag);
        }
        catch (RequestFailedException e) when (BlobConditions.LostRace(e))
        {
            return null;
        }
    }
}
