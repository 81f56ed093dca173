using System.Globalization;
using System.Text;
using SensorStream.Gateway.Storage;
using SensorStream.Streams.Client;
using SensorStream.Streams.Protocol;

namespace SensorStream.Gateway.Service;

/// <summary>
/// Stream cuts on the wire. <c>text</c> is Pravega's <c>StreamCut.asText()</c> (<see cref="PravegaStreamCut"/>:
/// base64 of gzip of <c>0:scope/stream:numbers:epochs:offsets</c>). As in Pravega, a cut names one segment per key range
/// (<see cref="StreamEpochs.Frontier"/>): each with its number, the epoch that created it and an offset; segments before
/// the named ones (their predecessors) are read to their end, segments after them not started
/// (<see cref="StreamEpochs.Expand"/>). Inside the gateway a cut is one offset per segment number. <c>cut</c> maps each
/// named segment's id (<c>epoch &lt;&lt; 32 | number</c>) to its offset (as the public gateway fills it);
/// <c>description</c> is Pravega's <c>toString()</c>. The cut names its stream, so a cut of another stream is refused.
/// Accepted too: the text this gateway issued before (base64url of <c>v1|scope/stream|o0,o1,…</c>, offsets of epoch 0's
/// segments), kept in cloud checkpoints and blob metadata. As in the public gateway, a cut whose text is empty is
/// unbounded, whatever its map.
/// </summary>
public static class StreamCutCodec
{
    private const string LegacyVersion = "v1";

    /// <summary>The cut at <paramref name="offsets"/> (one per segment number; segments beyond its length at 0).</summary>
    public static StreamCut Encode(StreamStore stream, long[] offsets)
    {
        var (epochs, segments) = stream.Current;
        var ends = segments.Select(f => f.End).ToArray();
        var position = StreamStore.Extend(offsets, epochs.Total);
        var named = epochs.Frontier(position, ends);
        var pravega = new PravegaStreamCut(stream.Scope, stream.Stream, named.Select(s => new SegmentPosition(s, epochs.EpochOf(s), position[s])).ToList());
        var cut = new StreamCut { Text = pravega.ToText(), Description = pravega.Description };
        foreach (var p in pravega.Positions) cut.Cut[p.SegmentId] = p.Offset;
        return cut;
    }

    /// <summary>
    /// Offsets of a cut for <paramref name="stream"/> (one per segment number of <paramref name="epochs"/>); null when the
    /// cut is unbounded (absent or empty text). Throws INVALID_ARGUMENT naming <paramref name="field"/> and what is wrong.
    /// </summary>
    public static long[]? Decode(StreamStore stream, StreamCut? cut, string field) => Decode(stream, stream.Current, cut, field);

    /// <summary>As <see cref="Decode(StreamStore, StreamCut?, string)"/>, against one view of the stream's epochs and segment ends.</summary>
    public static long[]? Decode(StreamStore stream, StreamStore.Shape shape, StreamCut? cut, string field)
    {
        if (cut is null || cut.Text.Length == 0) return null;
        var offsets = PravegaStreamCut.LooksLikePravegaText(cut.Text) ? FromPravegaText(stream, shape, cut.Text, field) : FromLegacyText(stream, shape, cut.Text, field);
        for (var s = 0; s < offsets.Length; s++)
            if (offsets[s] < 0) throw Bad(field, $"offset {offsets[s]} of segment {s} is negative");
        return offsets;
    }

    private static long[] FromPravegaText(StreamStore stream, StreamStore.Shape shape, string text, string field)
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
        var epochs = shape.Epochs;
        var named = new Dictionary<int, long>();
        foreach (var p in parsed.Positions)
        {
            if (p.Number >= epochs.Total || epochs.EpochOf(p.Number) != p.Epoch)
                throw Bad(field, $"segment {p.Number} of epoch {p.Epoch} is not a segment of {stream} (it has segments 0..{epochs.Total - 1} in epochs 0..{epochs.Current})");
            if (!named.TryAdd(p.Number, p.Offset)) throw Bad(field, $"segment {p.Number} is listed twice");
            if (p.Offset < 0) throw Bad(field, $"offset {p.Offset} of segment {p.Number} is negative");
        }
        if (named.Count == 0) throw Bad(field, "it names no segment");
        return epochs.Expand(named, shape.Segments.Select(f => f.End).ToArray());
    }

    private static long[] FromLegacyText(StreamStore stream, StreamStore.Shape shape, string text, string field)
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
        // Issued before streams could scale: offsets of epoch 0's segments; later segments are not started.
        var items = parts[2].Split(',');
        var first = shape.Epochs.Counts[0];
        if (items.Length != first) throw Bad(field, $"it has {items.Length} segment(s), the stream's epoch 0 has {first}");
        var offsets = new long[shape.Epochs.Total];
        for (var s = 0; s < items.Length; s++)
            if (!long.TryParse(items[s], NumberStyles.None, CultureInfo.InvariantCulture, out offsets[s]))
                throw Bad(field, $"offset '{items[s]}' of segment {s} is not a number");
        return offsets;
    }

    private static StoreException Bad(string field, string why) => new(StoreError.InvalidArgument, $"{field} is not valid: {why}");
}
