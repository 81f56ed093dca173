using SensorStream.Streams.Client;
using SensorStream.Streams.Protocol;

namespace SensorStream.Streams.BlobStreams;

/// <summary>
/// A source stream cut as a blob metadata value: the protobuf bytes in base64, because metadata must be ASCII and
/// the cut's text is opaque to us (it may hold anything the gateway likes). Keeps the per-segment map for lag figures.
/// </summary>
public static class StreamCutCodec
{
    public static string Encode(StreamCut cut) => Convert.ToBase64String(Google.Protobuf.MessageExtensions.ToByteArray(cut));

    public static StreamCut Decode(string text) => StreamCut.Parser.ParseFrom(Convert.FromBase64String(text));

    /// <summary>
    /// Two cuts name the same position when their texts match, or when both decode (Pravega's text or the older v1
    /// text, <see cref="PravegaStreamCut.TryRead"/>) to the same segments at the same offsets — so a checkpoint kept in
    /// the older text still equals the tail the gateway now gives in Pravega's. Across a scale the same data can be
    /// named by different segments (a sealed epoch at its end, or its successors at 0): such cuts compare unequal, and a
    /// read between them simply finds no events.
    /// </summary>
    public static bool SamePosition(StreamCut? a, StreamCut? b)
    {
        if (a is null || b is null || a.Text.Length == 0) return false;
        if (string.Equals(a.Text, b.Text, StringComparison.Ordinal)) return true;
        return PravegaStreamCut.TryRead(a.Text) is { } x && PravegaStreamCut.TryRead(b.Text) is { } y && x.SamePosition(y);
    }

    /// <summary>Sum of the per-segment offsets, or null when the gateway did not fill the map.</summary>
    public static long? TotalOffset(StreamCut? cut) => cut is { Cut.Count: > 0 } ? cut.Cut.Values.Sum() : null;

    /// <summary>
    /// Bytes from <paramref name="done"/> (null: the start) to <paramref name="tail"/> when both name the same segments;
    /// null when they do not (a scale in between: offsets of different epochs do not subtract) or a map is missing.
    /// </summary>
    public static long? LagBytes(StreamCut? tail, StreamCut? done)
    {
        if (tail is not { Cut.Count: > 0 }) return null;
        if (done is null) return TotalOffset(tail);
        if (done.Cut.Count != tail.Cut.Count || done.Cut.Keys.Any(k => !tail.Cut.ContainsKey(k))) return null;
        return tail.Cut.Sum(kv => kv.Value - done.Cut[kv.Key]);
    }
}
