using System.Text.Json;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// What is known durable without replay (<c>checkpoint.json</c>): segment files were fsynced at these lengths, covering
/// every commit-log entry before <see cref="CommitLogOffset"/>. Recovery cuts segments back to these lengths and replays
/// the commit log from there, so segment files need no fsync per commit.
/// </summary>
public sealed record Checkpoint(long CommitLogOffset, long[] SegmentEnds)
{
    public static Checkpoint Empty(int segments) => new(0, new long[segments]);

    public static Checkpoint LoadOrEmpty(string path, int segments) =>
        File.Exists(path)
            ? JsonSerializer.Deserialize<Checkpoint>(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path} is empty")
            : Empty(segments);

    public void Save(string path) => DurableFiles.WriteAtomically(path, JsonSerializer.Serialize(this));
}
