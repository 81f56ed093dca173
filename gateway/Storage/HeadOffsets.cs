using System.Text.Json;

namespace SensorStream.Gateway.Storage;

/// <summary>The head cut (<c>head.json</c>): per segment, the offset of the oldest readable event. Moved by retention and TruncateStream.</summary>
public static class HeadOffsets
{
    /// <summary>
    /// The saved head, or zeros before the first move; a file with more offsets than segments (or none) is damage.
    /// Fewer offsets: the head was saved before a scale added segments, which start at 0.
    /// </summary>
    public static long[] LoadOrZero(string path, int segments) =>
        File.Exists(path)
            ? StreamStore.Extend(MetadataFile.Read<long[]>(path, check: h =>
                h.Length == 0 || h.Length > segments ? $"it lists {h.Length} offset(s), the stream has {segments} segment(s)" :
                h.Any(o => o < 0) ? "it holds a negative offset" : null), segments)
            : new long[segments];

    public static void Save(string path, long[] heads) => DurableFiles.WriteAtomically(path, JsonSerializer.Serialize(heads));
}
