namespace SensorStream.Streams.BlobStreams;

/// <summary>Another writer created this chunk first (409 BlobAlreadyExists on a create-only write): this writer lost the race.</summary>
public sealed class ChunkConflictException(string blobName, Exception inner)
    : Exception($"chunk {blobName} already exists: another mirror committed it first", inner)
{
    public string BlobName { get; } = blobName;
}
