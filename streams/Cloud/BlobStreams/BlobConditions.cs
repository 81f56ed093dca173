using Azure;
using Azure.Storage.Blobs.Models;

namespace SensorStream.Streams.BlobStreams;

/// <summary>The two conditional writes every exactly-once step here is built on, and how their failures look.</summary>
public static class BlobConditions
{
    /// <summary>Create-only: the write fails with 409 when the blob exists.</summary>
    public static BlobRequestConditions CreateOnly => new() { IfNoneMatch = ETag.All };

    /// <summary>Replace exactly the version read (412 otherwise), or create-only when nothing was read.</summary>
    public static BlobRequestConditions Replacing(ETag? read) => read is { } etag ? new() { IfMatch = etag } : CreateOnly;

    /// <summary>409 (already exists) or 412 (changed since read): someone else wrote first.</summary>
    public static bool LostRace(RequestFailedException e) => e.Status is 409 or 412;

    public static bool NotFound(RequestFailedException e) => e.Status == 404;
}
