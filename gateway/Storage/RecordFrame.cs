namespace SensorStream.Gateway.Storage;

/// <summary>
/// The framing of segments and <c>committed.log</c> (<see cref="FrameFormat.Record"/>):
/// <c>[u32 payload length][u32 CRC-32C of (length bytes ‖ payload)][payload]</c>, little-endian.
/// </summary>
public static class RecordFrame
{
    public const int HeaderSize = 8;

    /// <summary>Frames larger than this are treated as corruption when scanning (the largest real payload is far smaller).</summary>
    public const int MaxPayload = FrameFormat.MaxPayload;

    public static int Size(int payloadLength) => HeaderSize + payloadLength;

    /// <summary>Writes the header for <paramref name="payload"/> (already placed at <c>destination[HeaderSize..]</c>).</summary>
    public static void WriteHeader(Span<byte> destination, ReadOnlySpan<byte> payload) => FrameFormat.Record.WriteHeader(destination, payload);

    /// <summary>Payload length announced by a header, or -1 when it is out of range.</summary>
    public static int PayloadLength(ReadOnlySpan<byte> header) => FrameFormat.Record.PayloadLength(header);

    /// <summary>True when <paramref name="frame"/> (header + payload, exactly) is intact.</summary>
    public static bool IsValid(ReadOnlySpan<byte> frame) => FrameFormat.Record.IsValid(frame);
}
