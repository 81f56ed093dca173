using System.Text.Json;

namespace SensorStream.Gateway.Storage;

/// <summary>The head cut (<c>head.json</c>): per segment, the offset of the oldest readable event. Moved by retention and TruncateStream.</summary>
public static class HeadOffsets
{
    /// <summary>
    /// The saved head, or zeros before the first move; a file with more offsets than segments (or none) is damage.
    /// Fewer offsets: the head was saved before a scale added segments, which start at 0. A missing file is damage when
    /// <paramref name="mustExist"/> (see <see cref="StreamConfig.FileSet"/>).
    /// </summary>
    public static long[] LoadOrZero(string path, int segments, bool mustExist = false) =>
        !File.Exists(path) && mustExist
            ? throw new StorageDamageException(path, 0, "the file is missing, but stream.json records that it was written when the stream was created: where each segment's readable data starts is unknown. Nothing was changed; restore it (or run gateway salvage)")
            : File.Exists(path)
            ? StreamStore.Extend(MetadataFile.Read<long[]>(path, check: h =>
                h.Length == 0 || h.Length > segments ? $"it lists {h.Length} offset(s), the stream has {segments} segment(s)" :
                h.Any(o => o < 0) ? "it holds a negative offset" : null), segments)
            : new long[segments];

    public static void Save(string path, long[] heads) => DurableFiles.WriteAtomically(path, JsonSerializer.Serialize(heads));
}
