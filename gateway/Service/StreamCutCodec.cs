using System.Globalization;
using System.Text;
using SensorStream.Gateway.Storage;
using SensorStream.Streams.Client;
using SensorStream.Streams.Protocol;

namespace SensorStream.Gateway.Service;

/// <summary>
/// Stream cuts on the wire. <c>text</c> is Pravega's <c>StreamCut.asText()</c> (<see cref="PravegaStreamCut"/>:
/// base64 of gzip of <c>0:scope/stream:numbers:epochs:offsets</c>); segments are fixed, so every segment is of epoch 0
/// and its number is its index. <c>cut</c> maps each segment id to its offset (as the public gateway fills it);
/// <c>description</c> is Pravega's <c>toString()</c>. The cut names its stream, so a cut of another stream is refused.
/// Accepted too: the text this gateway issued before (base64url of <c>v1|scope/stream|o0,o1,…</c>), kept in cloud
/// checkpoints and blob metadata. As in the public gateway, a cut whose text is empty is unbounded, whatever its map.
/// </summary>
public static class StreamCutCodec
{
    private const string LegacyVersion = "v1";

    /// <summary>The cut at <paramref name="offsets"/> (one per segment, in segment order).</summary>
    public static StreamCut Encode(StreamStore stream, long[] offsets)
    {
        var pravega = new PravegaStreamCut(stream.Scope, stream.Stream, offsets.Select((o, s) => new SegmentPosition(s, 0, o)).ToList());
        var cut = new StreamCut { Text = pravega.ToText(), Description = pravega.Description };
        foreach (var p in pravega.Positions) cut.Cut[p.SegmentId] = p.Offset;
        return cut;
    }

    /// <summary>
    /// Offsets of a cut for <paramref name="stream"/> (one per segment); null when the cut is unbounded (absent or
    /// empty text). Throws INVALID_ARGUMENT naming <paramref name="field"/> and what is wrong.
    /// </summary>
    public static long[]? Decode(StreamStore stream, StreamCut? cut, string field)
    {
        if (cut is null || cut.Text.Length == 0) return null;
        var offsets = PravegaStreamCut.LooksLikePravegaText(cut.Text) ? FromPravegaText(stream, cut.Text, field) : FromLegacyText(stream, cut.Text, field);
        for (var s = 0; s < offsets.Length; s++)
            if (offsets[s] < 0) throw Bad(field, $"offset {offsets[s]} of segment {s} is negative");
        return offsets;
    }

    private static long[] FromPravegaText(StreamStore stream, string text, string field)
    {
        PravegaStreamCut parsed;
        try
        {
            parsed = PravegaStreamCut.Parse(text);
        }
        catch (FormatException e)
        {
            throw Bad(field, $"its text is not a Pravega stream cut: {e.Message}");
        }
        if (parsed.Scope != stream.Scope || parsed.Stream != stream.Stream)
            throw Bad(field, $"it is a cut of stream {parsed.Scope}/{parsed.Stream}, not of {stream}");
        var offsets = new long[stream.SegmentCount];
        var seen = new bool[offsets.Length];
        foreach (var p in parsed.Positions)
        {
            if (p.Epoch != 0 || p.Number >= offsets.Length)
                throw Bad(field, $"segment {p.Number} of epoch {p.Epoch} is not a segment of {stream} (it has segments 0..{offsets.Length - 1}, epoch 0)");
            if (seen[p.Number]) throw Bad(field, $"segment {p.Number} is listed twice");
            seen[p.Number] = true;
            offsets[p.Number] = p.Offset;
        }
        if (parsed.Positions.Count != offsets.Length)
            throw Bad(field, $"it has {parsed.Positions.Count} segment(s), the stream has {offsets.Length}");
        return offsets;
    }

    private static long[] FromLegacyText(StreamStore stream, string text, string field)
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
            throw Bad(field, "its text is not a stream cut (neither Pravega's base64 of gzip nor this gateway's older v1 form)");
        }
        var parts = raw.Split('|');
        if (parts.Length != 3 || parts[0] != LegacyVersion)
            throw Bad(field, "its text is not a stream cut (neither Pravega's base64 of gzip nor this gateway's older v1 form)");
        if (parts[1] != $"{stream.Scope}/{stream.Stream}") throw Bad(field, $"it is a cut of stream {parts[1]}, not of {stream}");
        var items = parts[2].Split(',');
        if (items.Length != stream.SegmentCount) throw Bad(field, $"it has {items.Length} segment(s), the stream has {stream.SegmentCount}");
        var offsets = new long[items.Length];
        for (var s = 0; s < items.Length; s++)
            if (!long.TryParse(items[s], NumberStyles.None, CultureInfo.InvariantCulture, out offsets[s]))
                throw Bad(field, $"offset '{items[s]}' of segment {s} is not a number");
        return offsets;
    }

    private static StoreException Bad(string field, string why) => new(StoreError.InvalidArgument, $"{field} is not valid: {why}");
}
