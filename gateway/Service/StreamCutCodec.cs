using System.Globalization;
using System.Text;
using SensorStream.Gateway.Storage;
using SensorStream.Streams.Protocol;

namespace SensorStream.Gateway.Service;

/// <summary>
/// Stream cuts on the wire. The text is opaque to clients: base64url of <c>v1|scope/stream|o0,o1,…</c> (offset of each
/// segment in order). It names its stream, so a cut of another stream is refused instead of misread. The
/// <c>cut</c> map carries the same offsets for humans and tools; <c>description</c> is readable.
/// </summary>
public static class StreamCutCodec
{
    private const string Version = "v1";

    public static StreamCut Encode(StreamStore stream, long[] offsets)
    {
        var list = string.Join(',', offsets.Select(o => o.ToString(CultureInfo.InvariantCulture)));
        var raw = $"{Version}|{stream.Scope}/{stream.Stream}|{list}";
        var cut = new StreamCut
        {
            Text = Convert.ToBase64String(Encoding.UTF8.GetBytes(raw)).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
            Description = $"{stream.Scope}/{stream.Stream}:" + string.Join(',', offsets.Select((o, s) => $"{s}={o}")),
        };
        for (var s = 0; s < offsets.Length; s++) cut.Cut[s] = offsets[s];
        return cut;
    }

    /// <summary>
    /// Offsets of a cut for <paramref name="stream"/>; null when the cut is unbounded (absent, or empty text and map).
    /// A cut given only as a map (no text) is accepted too.
    /// </summary>
    public static long[]? Decode(StreamStore stream, StreamCut? cut, string field)
    {
        if (cut is null || (cut.Text.Length == 0 && cut.Cut.Count == 0)) return null;
        var offsets = cut.Text.Length > 0 ? FromText(stream, cut.Text, field) : FromMap(stream, cut, field);
        for (var s = 0; s < offsets.Length; s++)
            if (offsets[s] < 0) throw Bad(field, $"offset {offsets[s]} of segment {s} is negative");
        return offsets;
    }

    private static long[] FromText(StreamStore stream, string text, string field)
    {
        string raw;
        try
        {
            var b64 = text.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
            raw = Encoding.UTF8.GetString(Convert.FromBase64String(b64));
        }
        catch (FormatException)
        {
            throw Bad(field, "its text is not a stream cut issued by this gateway");
        }
        var parts = raw.Split('|');
        if (parts.Length != 3 || parts[0] != Version) throw Bad(field, "its text is not a stream cut issued by this gateway");
        if (parts[1] != $"{stream.Scope}/{stream.Stream}") throw Bad(field, $"it is a cut of stream {parts[1]}, not of {stream.Scope}/{stream.Stream}");
        var items = parts[2].Split(',');
        if (items.Length != stream.SegmentCount) throw Bad(field, $"it has {items.Length} segment(s), the stream has {stream.SegmentCount}");
        var offsets = new long[items.Length];
        for (var s = 0; s < items.Length; s++)
            if (!long.TryParse(items[s], NumberStyles.None, CultureInfo.InvariantCulture, out offsets[s]))
                throw Bad(field, $"offset '{items[s]}' of segment {s} is not a number");
        return offsets;
    }

    private static long[] FromMap(StreamStore stream, StreamCut cut, string field)
    {
        var offsets = new long[stream.SegmentCount];
        if (cut.Cut.Count != offsets.Length) throw Bad(field, $"its map has {cut.Cut.Count} segment(s), the stream has {offsets.Length}");
        foreach (var (segment, offset) in cut.Cut)
        {
            if (segment < 0 || segment >= offsets.Length) throw Bad(field, $"segment {segment} does not exist (the stream has {offsets.Length})");
            offsets[segment] = offset;
        }
        return offsets;
    }

    private static StoreException Bad(string field, string why) => new(StoreError.InvalidArgument, $"{field} is not valid: {why}");
}
