using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using SensorStream.Streams.BlobStreams;
using SensorStream.Streams.Naming;

namespace SensorStream.Streams.Exporting;

/// <summary>
/// Quarantine for events that cannot be exported: one create-only JSON blob per event under <c>deadletter/</c> in the
/// exports container, holding the reason, where the event was and its bytes (base64), so the stream is not blocked
/// and nothing is silently dropped. A retry of the same range hits 409 on the same names: never a second copy.
/// </summary>
public sealed class DeadLetters(ContainerGate exports)
{
    public sealed record Entry(string Stream, long Chunk, int Index, string Reason, string DataBase64);

    public async Task WriteAsync(StreamName stream, BadEvent bad, CancellationToken ct)
    {
        var container = await exports.ReadyAsync(ct).ConfigureAwait(false);
        var entry = new Entry(stream.ToString(), bad.Chunk, bad.Index, bad.Reason, Convert.ToBase64String(bad.Data.Span));
        try
        {
            await container.GetBlobClient(ExportLayout.DeadLetterName(stream, bad.Chunk, bad.Index)).UploadAsync(
                BinaryData.FromObjectAsJson(entry, new JsonSerializerOptions(JsonSerializerDefaults.Web)),
                new BlobUploadOptions { Conditions = BlobConditions.CreateOnly, HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } },
                ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (BlobConditions.LostRace(e))
        {
            // Written by an earlier attempt at this range.
        }
    }
}
