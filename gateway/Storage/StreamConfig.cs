using System.Text.Json;

namespace SensorStream.Gateway.Storage;

/// <summary>How stream data ages out: by age of the commit (ms) or by total size (bytes).</summary>
public enum RetentionKind { None, Time, Size }

/// <summary>A stream's durable configuration (<c>stream.json</c>): its fixed segment count and retention.</summary>
public sealed record StreamConfig(int Segments, RetentionKind Retention = RetentionKind.None, long RetentionParam = 0)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static StreamConfig Load(string path) =>
        JsonSerializer.Deserialize<StreamConfig>(File.ReadAllText(path), Json)
        ?? throw new InvalidDataException($"{path} is empty");

    public void Save(string path) => DurableFiles.WriteAtomically(path, JsonSerializer.Serialize(this, Json));
}
