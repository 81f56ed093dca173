using System.Text.Json;

namespace SensorStream.Gateway.Storage;

/// <summary>The head cut (<c>head.json</c>): per segment, the offset of the oldest readable event. Moved by retention and TruncateStream.</summary>
public static class HeadOffsets
{
    public static long[] LoadOrZero(string path, int segments) =>
        File.Exists(path)
            ? JsonSerializer.Deserialize<long[]>(File.ReadAllText(path)) ?? new long[segments]
            : new long[segments];

    public static void Save(string path, long[] heads) => DurableFiles.WriteAtomically(path, JsonSerializer.Serialize(heads));
}
