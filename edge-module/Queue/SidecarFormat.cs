using System.IO.Hashing;
using System.Text;

namespace SensorStream.EdgeModule.Queue;

/// <summary>
/// The text format of the small files kept beside the queue database, which must outlive it (<c>&lt;db&gt;.hwm</c>,
/// <c>&lt;db&gt;.progress</c>): line 1 <c>"&lt;magic&gt; v1"</c>, line 2 one line of JSON, line 3 <c>"crc32 &lt;8 hex digits&gt;"</c>,
/// the CRC-32 (IEEE) of line 2's UTF-8 bytes. Bytes after line 3 are ignored (a file rewritten in place may have
/// been longer before). A file that does not match exactly is damaged: it is never half-read.
/// </summary>
internal static class SidecarFormat
{
    private const string Version = "v1";

    /// <summary>The file's bytes for <paramref name="json"/> (compact JSON: no line breaks).</summary>
    public static byte[] Encode(string magic, string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        return Encoding.UTF8.GetBytes($"{magic} {Version}\n{json}\ncrc32 {Crc32.HashToUInt32(body):x8}\n");
    }

    /// <summary>The JSON line of a file's <paramref name="content"/>; <see cref="FormatException"/> saying what is wrong otherwise.</summary>
    public static string Decode(ReadOnlySpan<byte> content, string magic)
    {
        var lines = Encoding.UTF8.GetString(content).Split('\n', 4);
        if (lines.Length < 4) throw new FormatException($"{content.Length} bytes, not the three lines of a {magic} file (cut short?)");
        if (lines[0] != $"{magic} {Version}") throw new FormatException($"first line is not \"{magic} {Version}\"");
        var expected = $"crc32 {Crc32.HashToUInt32(Encoding.UTF8.GetBytes(lines[1])):x8}";
        if (lines[2] != expected) throw new FormatException($"checksum line \"{Truncate(lines[2])}\" does not match the content ({expected})");
        return lines[1];
    }

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
