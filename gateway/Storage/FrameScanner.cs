using Microsoft.Win32.SafeHandles;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// Reads the frames of an append-only file from a start offset and finds where its valid prefix ends: the first
/// frame that is incomplete or fails its CRC marks a torn tail (a write the process never acknowledged).
/// </summary>
public static class FrameScanner
{
    /// <summary>One intact frame: its file offset, total size and payload.</summary>
    public delegate void FrameVisitor(long offset, int frameSize, ReadOnlySpan<byte> payload);

    /// <summary>Visits every intact frame from <paramref name="start"/> and returns the end of the valid prefix.</summary>
    public static long Scan(SafeFileHandle file, long start, FrameVisitor? visit)
    {
        var length = RandomAccess.GetLength(file);
        var buffer = new byte[256 * 1024];
        var offset = start;
        while (offset + RecordFrame.HeaderSize <= length)
        {
            var header = buffer.AsSpan(0, RecordFrame.HeaderSize);
            if (ReadFully(file, header, offset) < RecordFrame.HeaderSize) break;
            var payloadLength = RecordFrame.PayloadLength(header);
            if (payloadLength < 0) break;
            var frameSize = RecordFrame.Size(payloadLength);
            if (offset + frameSize > length) break;
            if (buffer.Length < frameSize) buffer = new byte[frameSize];
            var frame = buffer.AsSpan(0, frameSize);
            if (ReadFully(file, frame, offset) < frameSize || !RecordFrame.IsValid(frame)) break;
            visit?.Invoke(offset, frameSize, frame[RecordFrame.HeaderSize..]);
            offset += frameSize;
        }
        return offset;
    }

    /// <summary>pread until <paramref name="buffer"/> is full or the file ends.</summary>
    public static int ReadFully(SafeFileHandle file, Span<byte> buffer, long offset)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = RandomAccess.Read(file, buffer[total..], offset + total);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
