using System.Text;
using System.Text.Json;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// Reads the small JSON files of a stream (<c>stream.json</c>, <c>checkpoint.json</c>, <c>head.json</c>): a file that is
/// not the JSON the gateway writes is a <see cref="StorageDamageException"/> naming the file and the byte offset of the
/// problem, never a crash with a stack trace. They are written with <see cref="DurableFiles.WriteAtomically"/>, so a
/// crash leaves the old or the new content, never a mix: anything else is damage.
/// </summary>
public static class MetadataFile
{
    /// <summary>
    /// Reading options for the gateway's own state files: a member the gateway does not write (e.g. a key a flipped byte
    /// renamed) is damage, not ignored. (Missing members keep their defaults: checkpoints of the older layout have no JournalPosition.)
    /// </summary>
    public static readonly JsonSerializerOptions Strict = new()
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Deserializes <paramref name="path"/>; <paramref name="check"/> returns a problem with the value (null = fine).</summary>
    public static T Read<T>(string path, JsonSerializerOptions? options = null, Func<T, string?>? check = null) where T : class
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            throw new StorageDamageException(path, 0, "the file is missing");
        }
        T? value;
        try
        {
            value = JsonSerializer.Deserialize<T>(bytes, options);
        }
        catch (JsonException e)
        {
            throw new StorageDamageException(path, OffsetOf(bytes, e), $"not the JSON the gateway writes ({FirstLine(e.Message)})");
        }
        if (value is null) throw new StorageDamageException(path, 0, "holds null");
        if (check?.Invoke(value) is { } problem) throw new StorageDamageException(path, 0, problem);
        return value;
    }

    /// <summary>Byte offset of a JSON error from its line number and byte position in that line.</summary>
    private static long OffsetOf(byte[] bytes, JsonException e)
    {
        long line = e.LineNumber ?? 0, offset = 0;
        for (var i = 0; i < bytes.Length && line > 0; i++)
            if (bytes[i] == (byte)'\n') { line--; offset = i + 1; }
        return Math.Min(bytes.Length, offset + (e.BytePositionInLine ?? 0));
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();

    /// <summary>UTF-8 text of a small file, or a damage error naming it when it is missing.</summary>
    public static string ReadText(string path)
    {
        try
        {
            return Encoding.UTF8.GetString(File.ReadAllBytes(path));
        }
        catch (FileNotFoundException)
        {
            throw new StorageDamageException(path, 0, "the file is missing");
        }
    }
}
