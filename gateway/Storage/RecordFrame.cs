using System.Buffers.Binary;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// The framing of every append-only file: <c>[u32 payload length][u32 CRC-32C of (length bytes ‖ payload)][payload]</c>,
/// little-endian. The CRC covers the length too, so a run of zero bytes (a torn write that extended the file) is never
/// a valid frame.
/// </summary>
public static class RecordFrame
{
    public const int HeaderSize = 8;

    /// <summary>Frames larger than this are treated as corruption when scanning (the largest real payload is far smaller).</summary>
    public const int MaxPayload = 64 * 1024 * 1024;

    public static int Size(int payloadLength) => HeaderSize + payloadLength;

    /// <summary>Writes the header for <paramref name="payload"/> (already placed at <c>destination[HeaderSize..]</c>).</summary>
    public static void WriteHeader(Span<byte> destination, ReadOnlySpan<byte> payload)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)payload.Length);
        var crc = Crc32C.Compute(destination[..4]);
        crc = Crc32C.Compute(payload, crc);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], crc);
    }

    /// <summary>Payload length announced by a header, or -1 when it is out of range.</summary>
    public static int PayloadLength(ReadOnlySpan<byte> header)
    {
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        return length > MaxPayload ? -1 : (int)length;
    }

    /// <summary>True when <paramref name="frame"/> (header + payload, exactly) is intact.</summary>
    public static bool IsValid(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < HeaderSize) return false;
        var length = PayloadLength(frame);
        if (length < 0 || frame.Length != HeaderSize + length) return false;
        var crc = Crc32C.Compute(frame[..4]);
        crc = Crc32C.Compute(frame[HeaderSize..], crc);
        return crc == BinaryPrimitives.ReadUInt32LittleEndian(frame[4..]);
    }
}
