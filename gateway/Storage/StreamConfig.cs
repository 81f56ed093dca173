using System.Text.Json;

namespace SensorStream.Gateway.Storage;

/// <summary>How stream data ages out: by age of the commit (ms) or by total size (bytes).</summary>
public enum RetentionKind { None, Time, Size }

/// <summary>A stream's durable configuration (<c>stream.json</c>): its fixed segment count and retention.</summary>
public sealed record StreamConfig(int Segments, RetentionKind Retention = RetentionKind.None, long RetentionParam = 0)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Reads <c>stream.json</c>; a missing or unreadable file is a <see cref="StorageDamageException"/> naming it.</summary>
    public static StreamConfig Load(string path) =>
        MetadataFile.Read<StreamConfig>(path, Json, c =>
            c.Segments is < 1 or > SegmentLimit ? $"segment count {c.Segments} is out of range (1..{SegmentLimit})" :
            !Enum.IsDefined(c.Retention) || c.RetentionParam < 0 ? $"retention {c.Retention}/{c.RetentionParam} is not one the gateway writes" : null);

    /// <summary>Most segments a stream may have (Pravega's fixed scaling policy, bounded so one stream cannot take every file handle).</summary>
    public const int SegmentLimit = 1024;

    /// <summary>Writes <c>stream.json</c> atomically and durably.</summary>

    public void Save(string path) => DurableFiles.WriteAtomically(path, JsonSerializer.Serialize(this, Json));
}
