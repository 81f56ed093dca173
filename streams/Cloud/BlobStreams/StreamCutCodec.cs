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

    /// <summary>Two cuts name the same position when their text matches (the text is the gateway's identity of a cut).</summary>
    public static bool SamePosition(StreamCut? a, StreamCut? b) =>
        a is not null && b is not null && a.Text.Length > 0 && string.Equals(a.Text, b.Text, StringComparison.Ordinal);

    /// <summary>Sum of the per-segment offsets, or null when the gateway did not fill the map.</summary>
    public static long? TotalOffset(StreamCut? cut) => cut is { Cut.Count: > 0 } ? cut.Cut.Values.Sum() : null;
}
