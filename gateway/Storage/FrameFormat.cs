using System.Buffers.Binary;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// How frames of an append-only file are framed. Two formats, both little-endian:
/// <list type="bullet">
/// <item><see cref="Record"/> (segments, <c>committed.log</c>, journal files without a file header):
/// <c>[u32 payload length][u32 CRC-32C of (length bytes ‖ payload)][payload]</c>.</item>
/// <item><see cref="CheckedHeader"/> (journal files with a <see cref="JournalFileHeader"/> of version 2):
/// <c>[u32 payload length][u32 CRC-32C of the length bytes][u32 CRC-32C of (length bytes ‖ payload)][payload]</c>. The
/// header's own check makes a damaged length field decidable even in the last frame: a crash leaves a header that is
/// complete and checks out (its payload may be cut short), or one cut short and followed by nothing but zeros; a
/// complete header that fails its check is damage.</item>
/// </list>
/// The payload CRC covers the length too, so a run of zero bytes (a torn write that extended the file) is never a valid frame.
/// </summary>
public sealed class FrameFormat
{
    /// <summary>Frames larger than this are treated as corruption when scanning (the largest real payload is far smaller).</summary>
    public const int MaxPayload = 64 * 1024 * 1024;

    /// <summary>8-byte header: length and a CRC over length and payload.</summary>
    public static readonly FrameFormat Record = new(8, checksHeader: false);

    /// <summary>12-byte header: length, a CRC of the length alone, and a CRC over length and payload.</summary>
    public static readonly FrameFormat CheckedHeader = new(12, checksHeader: true);

    private FrameFormat(int headerSize, bool checksHeader)
    {
        HeaderSize = headerSize;
        ChecksHeader = checksHeader;
    }

    /// <summary>Bytes before the payload.</summary>
    public int HeaderSize { get; }

    /// <summary>True when the header carries a check of its own length field.</summary>
    public bool ChecksHeader { get; }

    private int CrcAt => HeaderSize - 4;

    /// <summary>Total frame size for a payload of <paramref name="payloadLength"/> bytes.</summary>
    public int Size(int payloadLength) => HeaderSize + payloadLength;

    /// <summary>Writes the header for <paramref name="payload"/> (already placed at <c>destination[HeaderSize..]</c>, or anywhere else).</summary>
    public void WriteHeader(Span<byte> destination, ReadOnlySpan<byte> payload)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)payload.Length);
        var lengthCrc = Crc32C.Compute(destination[..4]);
        if (ChecksHeader) BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], lengthCrc);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[CrcAt..], Crc32C.Compute(payload, lengthCrc));
    }

    /// <summary>Payload length announced by a header (at least <see cref="HeaderSize"/> bytes), or -1 when it is out of range or fails its check.</summary>
    public int PayloadLength(ReadOnlySpan<byte> header)
    {
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (length > MaxPayload || !HeaderIntact(header)) return -1;
        return (int)length;
    }

    /// <summary>The length field as written, unchecked (for error texts).</summary>
    public static uint RawLength(ReadOnlySpan<byte> header) => BinaryPrimitives.ReadUInt32LittleEndian(header);

    /// <summary>True when the header's own check holds (always for <see cref="Record"/>, which has none).</summary>
    public bool HeaderIntact(ReadOnlySpan<byte> header) =>
        !ChecksHeader || BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) == Crc32C.Compute(header[..4]);

    /// <summary>
    /// The start of a frame's check, for checking a payload a block at a time: continue it over every block with
    /// <see cref="Crc32C.Compute"/> and ask <see cref="PayloadCheckHolds"/>.
    /// </summary>
    public static uint PayloadCheckSeed(ReadOnlySpan<byte> header) => Crc32C.Compute(header[..4]);

    /// <summary>True when <paramref name="crc"/> (<see cref="PayloadCheckSeed"/> continued over the whole payload) is the header's.</summary>
    public bool PayloadCheckHolds(ReadOnlySpan<byte> header, uint crc) => crc == BinaryPrimitives.ReadUInt32LittleEndian(header[CrcAt..]);

    /// <summary>True when <paramref name="frame"/> (header + payload, exactly) is intact.</summary>
    public bool IsValid(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < HeaderSize) return false;
        var length = PayloadLength(frame);
        if (length < 0 || frame.Length != HeaderSize + length) return false;
        var crc = Crc32C.Compute(frame[HeaderSize..], Crc32C.Compute(frame[..4]));
        return crc == BinaryPrimitives.ReadUInt32LittleEndian(frame[CrcAt..]);
    }
}
