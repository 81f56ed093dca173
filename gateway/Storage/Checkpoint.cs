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

    public static Checkpoint Empty(int segments) => new(0, new long[segments]);

    public static Checkpoint LoadOrEmpty(string path, int segments)
    {
        if (!File.Exists(path)) return Empty(segments);
        var text = File.ReadAllText(path);
        var checkpoint = JsonSerializer.Deserialize<Checkpoint>(text) ?? throw new InvalidDataException($"{path} is empty");
        // An older file has no Version: the deserializer keeps the property's default, so look at the text itself.
        using var json = JsonDocument.Parse(text);
        return json.RootElement.TryGetProperty(nameof(Version), out _) ? checkpoint : checkpoint with { Version = 1 };
    }

    public void Save(string path) => DurableFiles.WriteAtomically(path, JsonSerializer.Serialize(this));
}
