using System.Buffers.Binary;
using SensorStream.Streams.Configuration.Catalogs;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// One event as stored in a segment file: a frame whose payload is <c>[i64 commit time, Unix ms][event bytes]</c>.
/// The commit time lets retention by time find the oldest events without an index.
/// </summary>
public readonly record struct SegmentRecord(int Segment, long Offset, int FrameSize, long TimestampMs, ReadOnlyMemory<byte> Event)
{
    public const int TimestampSize = 8;
    public const int Overhead = RecordFrame.HeaderSize + TimestampSize;

    public long NextOffset => Offset + FrameSize;

    public static int FrameSizeOf(int eventLength) => Overhead + eventLength;

    /// <summary>
    /// The largest frame any segment can hold: an event of <see cref="GatewayServerSettings.MaxEventBytesCeiling"/>
    /// (whatever <c>--max-event-bytes</c> was when it was written). Record headers carry no check of their own, so a
    /// header announcing more is damage or not a record; readers refuse it before reading or allocating that much.
    /// </summary>
    public const int LargestFrameSize = Overhead + GatewayServerSettings.MaxEventBytesCeiling;

    /// <summary>Encodes a full frame into <paramref name="destination"/> and returns its size.</summary>
    public static int Encode(Span<byte> destination, long timestampMs, ReadOnlySpan<byte> evt)
    {
        var payload = destination.Slice(RecordFrame.HeaderSize, TimestampSize + evt.Length);
        BinaryPrimitives.WriteInt64LittleEndian(payload, timestampMs);
        evt.CopyTo(payload[TimestampSize..]);
        RecordFrame.WriteHeader(destination, payload);
        return RecordFrame.HeaderSize + payload.Length;
    }
}
