using System.Buffers.Binary;
using Google.Protobuf;
using SensorStream.Gateway.Storage;
using SensorStream.Streams.Protocol;

namespace SensorStream.Gateway.Service;

/// <summary>Event pointers on the wire: 20 bytes <c>[i64 segment][i64 offset][i32 frame size]</c>, little-endian.</summary>
public static class EventPointerCodec
{
    private const int Size = 20;

    public static EventPointer Encode(SegmentRecord record)
    {
        var bytes = new byte[Size];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, record.Segment);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), record.Offset);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16), record.FrameSize);
        return new EventPointer
        {
            Bytes = UnsafeByteOperations.UnsafeWrap(bytes),
            Description = Describe(record.Segment, record.Offset, record.FrameSize),
        };
    }

    /// <summary>
    /// A pointer as error texts name it: what its bytes say (never the client's free-text description, which may be
    /// empty or not match them).
    /// </summary>
    public static string Describe(long segment, long offset, int frameSize) => $"segment {segment} offset {offset} length {frameSize}";

    public static (int Segment, long Offset, int FrameSize) Decode(EventPointer? pointer)
    {
        if (pointer is null || pointer.Bytes.Length != Size)
            throw new StoreException(StoreError.InvalidArgument,
                $"event_pointer is not a pointer issued by this gateway (expected {Size} bytes, got {(pointer is null ? "none" : pointer.Bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))})");
        var span = pointer.Bytes.Span;
        var segment = BinaryPrimitives.ReadInt64LittleEndian(span);
        var offset = BinaryPrimitives.ReadInt64LittleEndian(span[8..]);
        var size = BinaryPrimitives.ReadInt32LittleEndian(span[16..]);
        if (segment is < 0 or > int.MaxValue || offset < 0 || size < SegmentRecord.Overhead)
            throw new StoreException(StoreError.InvalidArgument, $"event_pointer ({Describe(segment, offset, size)}) is out of range");
        return ((int)segment, offset, size);
    }
}
