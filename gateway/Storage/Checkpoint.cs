using System.Text.Json;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// What is known durable without replay (<c>checkpoint.json</c>): segment files were fsynced at these lengths, covering
/// every journal commit before <see cref="JournalPosition"/>. Recovery cuts segments back to these lengths and replays
/// the journal's commits from there, so segment files need no fsync per commit. <see cref="Version"/> 2 is the
/// journal layout; a file without it was written by the older per-transaction-file layout (see <see cref="LegacyLayout"/>).
/// </summary>
public sealed record Checkpoint(long JournalPosition, long[] SegmentEnds)
{
    public const int CurrentVersion = 2;

    public int Version { get; init; } = CurrentVersion;

    /// <summary>Only in checkpoints of the older layout: the commits.log offset they covered.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public long? CommitLogOffset { get; init; }

    /// <summary>
    /// Length of <c>committed.log</c> when this checkpoint was saved (it is appended and fsynced first): a shorter file
    /// is damage, not a torn tail. Null in checkpoints written before it was recorded.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public long? CommittedIdsEnd { get; init; }

    /// <summary>Before the first checkpoint: nothing durable, everything replays from journal position 0.</summary>
    public static Checkpoint Empty(int segments) => new(0, new long[segments]);

    /// <summary>
    /// The checkpoint of a stream of <paramref name="segments"/> segments, or <see cref="Empty"/> before the first one
    /// of a stream written before <see cref="StreamConfig.FileSet"/>; damage names the file. When
    /// <paramref name="mustExist"/> (the stream's file set says it was written at creation) a missing file is damage.
    /// </summary>
    public static Checkpoint LoadOrEmpty(string path, int segments, bool mustExist = false)
    {
        if (!File.Exists(path))
            return mustExist
                ? throw new StorageDamageException(path, 0, "the file is missing, but stream.json records that it was written when the stream was created: the position the journal is replayed from is unknown. Nothing was changed; restore it (or run gateway salvage)")
                : Empty(segments);
        var checkpoint = MetadataFile.Read<Checkpoint>(path, MetadataFile.Strict, check: c =>
            c.SegmentEnds is null || c.SegmentEnds.Length == 0 || c.SegmentEnds.Length > segments ? $"it lists {c.SegmentEnds?.Length ?? 0} segment length(s), the stream has {segments}" :
            c.JournalPosition < 0 || c.SegmentEnds.Any(e => e < 0) ? "it holds a negative position" : null);
        // Fewer lengths: segments of a scale after this checkpoint, created empty (their data is in the journal after it).
        checkpoint = checkpoint with { SegmentEnds = StreamStore.Extend(checkpoint.SegmentEnds, segments) };
        // An older file has no Version: the deserializer keeps the property's default, so look at the text itself.
        using var json = JsonDocument.Parse(File.ReadAllBytes(path));
        return json.RootElement.TryGetProperty(nameof(Version), out _) ? checkpoint : checkpoint with { Version = 1 };
    }

    /// <summary>Writes <c>checkpoint.json</c> atomically and durably.</summary>
    public void Save(string path) => DurableFiles.WriteAtomically(path, JsonSerializer.Serialize(this));
}
