using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace SensorStream.Streams.Client;

/// <summary>
/// One segment's position in a stream cut: Pravega's segment number and the epoch that created it, and a byte offset.
/// The 64-bit segment id is <c>epoch &lt;&lt; 32 | number</c> (Pravega's <c>NameUtils.computeSegmentId</c>); it is the
/// key of the protocol's <c>StreamCut.cut</c> map.
/// </summary>
public readonly record struct SegmentPosition(int Number, int Epoch, long Offset)
{
    public long SegmentId => ((long)Epoch << 32) | (uint)Number;
}

/// <summary>
/// A stream cut in Pravega's text form, <c>StreamCut.asText()</c> (read from Pravega's <c>StreamCutImpl</c> and
/// <c>ToStringUtils.compressToBase64</c>): standard base64 (with padding) of the gzip of the UTF-8 text
/// <c>0:scope/stream:n1,n2,…:e1,e2,…:o1,o2,…</c> — version 0, the scoped stream name, then the segment numbers, their
/// epochs and their offsets as three comma-separated lists in the same order. The public gateway's Python readers
/// decode and re-encode this form client-side. <see cref="Description"/> is Pravega's <c>StreamCutImpl.toString()</c>:
/// <c>scope/stream:id=offset, id=offset</c>.
/// </summary>
public sealed record PravegaStreamCut(string Scope, string Stream, IReadOnlyList<SegmentPosition> Positions)
{
    private const string Version = "0";

    /// <summary>Gzip streams start with these two bytes; Pravega's cut text is the only gzip form a cut text can take.</summary>
    private static ReadOnlySpan<byte> GzipMagic => [0x1f, 0x8b];

    /// <summary>Longest decompressed text accepted (a cut of ~10k segments): a bad text cannot make us inflate gigabytes.</summary>
    private const int MaxPlainBytes = 1024 * 1024;

    /// <summary>Pravega's <c>StreamCut.asText()</c> of this cut.</summary>
    public string ToText()
    {
        var plain = string.Join(':',
            Version,
            $"{Scope}/{Stream}",
            string.Join(',', Positions.Select(p => p.Number.ToString(CultureInfo.InvariantCulture))),
            string.Join(',', Positions.Select(p => p.Epoch.ToString(CultureInfo.InvariantCulture))),
            string.Join(',', Positions.Select(p => p.Offset.ToString(CultureInfo.InvariantCulture))));
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            gzip.Write(Encoding.UTF8.GetBytes(plain));
        return Convert.ToBase64String(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Pravega's <c>StreamCutImpl.toString()</c>: <c>scope/stream:segmentId=offset, …</c>.</summary>
    public string Description => $"{Scope}/{Stream}:" + string.Join(", ", Positions.Select(p => $"{p.SegmentId}={p.Offset}"));

    /// <summary>
    /// True when <paramref name="text"/> looks like Pravega's form (base64 of gzip), so a caller can tell it from
    /// other cut texts before parsing it.
    /// </summary>
    public static bool LooksLikePravegaText(string text)
    {
        Span<byte> head = stackalloc byte[3];
        return text.Length >= 4 && Convert.TryFromBase64String(text[..4], head, out var n) && n >= 2 && head[..2].SequenceEqual(GzipMagic);
    }

    /// <summary>
    /// Parses Pravega's cut text. Throws <see cref="FormatException"/> naming what is wrong (not base64, not gzip,
    /// not version 0, lists of different lengths, a number that is not one).
    /// </summary>
    public static PravegaStreamCut Parse(string text)
    {
        byte[] compressed;
        try
        {
            compressed = Convert.FromBase64String(text.Trim());
        }
        catch (FormatException)
        {
            throw new FormatException("it is not base64");
        }
        if (compressed.Length < 2 || !compressed.AsSpan(0, 2).SequenceEqual(GzipMagic)) throw new FormatException("it is not gzip-compressed");
        string plain;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
            var bytes = new byte[MaxPlainBytes + 1];
            var length = 0;
            int read;
            while (length < bytes.Length && (read = gzip.Read(bytes, length, bytes.Length - length)) > 0) length += read;
            if (length > MaxPlainBytes) throw new FormatException($"it inflates to more than {MaxPlainBytes} bytes");
            plain = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, length);
        }
        catch (Exception e) when (e is InvalidDataException or DecoderFallbackException)
        {
            throw new FormatException($"its gzip content is damaged ({e.Message})");
        }
        var parts = plain.Split(':', 5);
        if (parts.Length != 5) throw new FormatException($"'{Shorten(plain)}' does not have Pravega's 5 ':'-separated parts");
        if (parts[0] != Version) throw new FormatException($"version '{Shorten(parts[0])}' is not Pravega's 0");
        var slash = parts[1].IndexOf('/');
        if (slash <= 0 || slash == parts[1].Length - 1) throw new FormatException($"'{Shorten(parts[1])}' is not a scope/stream name");
        var numbers = Numbers(parts[2], "segment number", int.Parse);
        var epochs = Numbers(parts[3], "epoch", int.Parse);
        var offsets = Numbers(parts[4], "offset", long.Parse);
        if (numbers.Count != epochs.Count || numbers.Count != offsets.Count)
            throw new FormatException($"it lists {numbers.Count} segment numbers, {epochs.Count} epochs and {offsets.Count} offsets");
        var positions = new SegmentPosition[numbers.Count];
        for (var i = 0; i < positions.Length; i++)
        {
            if (numbers[i] < 0 || epochs[i] < 0) throw new FormatException($"segment {numbers[i]} epoch {epochs[i]} is negative");
            positions[i] = new SegmentPosition(numbers[i], epochs[i], offsets[i]);
        }
        return new PravegaStreamCut(parts[1][..slash], parts[1][(slash + 1)..], positions);
    }

    /// <summary>
    /// Reads a cut text in either form a gateway of this project issued: Pravega's (<see cref="Parse"/>) or the older
    /// base64url of <c>v1|scope/stream|o0,o1,…</c> (offsets of segments 0, 1, … of epoch 0). Null when it is neither.
    /// </summary>
    public static PravegaStreamCut? TryRead(string text)
    {
        if (text.Length == 0) return null;
        if (LooksLikePravegaText(text))
        {
            try
            {
                return Parse(text);
            }
            catch (FormatException)
            {
                return null;
            }
        }
        try
        {
            var b64 = text.Replace('-', '+').Replace('_', '/');
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '='))).Split('|');
            var slash = parts.Length == 3 && parts[0] == "v1" ? parts[1].IndexOf('/') : -1;
            if (slash <= 0) return null;
            var offsets = Numbers(parts[2], "offset", long.Parse);
            return new PravegaStreamCut(parts[1][..slash], parts[1][(slash + 1)..], offsets.Select((o, i) => new SegmentPosition(i, 0, o)).ToList());
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>True when both name the same stream and the same segments (number and epoch) at the same offsets, in any order.</summary>
    public bool SamePosition(PravegaStreamCut other) =>
        Scope == other.Scope && Stream == other.Stream &&
        Positions.OrderBy(p => p.Number).SequenceEqual(other.Positions.OrderBy(p => p.Number));

    private static List<T> Numbers<T>(string list, string what, Func<string, NumberStyles, IFormatProvider, T> parse)
    {
        var result = new List<T>();
        foreach (var item in list.Split(','))
        {
            try
            {
                result.Add(parse(item.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                throw new FormatException($"{what} '{Shorten(item)}' is not a number");
            }
        }
        return result;
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
