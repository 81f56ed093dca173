using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// Reads the frames of an append-only file from a start offset and finds where its valid prefix ends. What follows the
/// valid prefix is a torn tail (a write the process never acknowledged) only when it is an incomplete frame (or zeros)
/// and no intact frame starts anywhere after it: a crash can leave an incomplete last write, never a complete frame
/// with a bad CRC nor a bad frame followed by good ones. Anything else is damage (<see cref="ScanStrict"/>).
/// </summary>
public static class FrameScanner
{
    /// <summary>One intact frame: its file offset, total size and payload.</summary>
    public delegate void FrameVisitor(long offset, int frameSize, ReadOnlySpan<byte> payload);

    /// <summary>Visits every intact frame from <paramref name="start"/> and returns the end of the valid prefix.</summary>
    public static long Scan(SafeFileHandle file, long start, FrameVisitor? visit, FrameFormat? format = null)
    {
        format ??= FrameFormat.Record;
        var length = RandomAccess.GetLength(file);
        var buffer = new byte[256 * 1024];
        var offset = start;
        while (offset + format.HeaderSize <= length)
        {
            var header = buffer.AsSpan(0, format.HeaderSize);
            if (ReadFully(file, header, offset) < format.HeaderSize) break;
            var payloadLength = format.PayloadLength(header);
            if (payloadLength < 0) break;
            var frameSize = format.Size(payloadLength);
            if (offset + frameSize > length) break;
            if (buffer.Length < frameSize) buffer = new byte[frameSize];
            var frame = buffer.AsSpan(0, frameSize);
            if (ReadFully(file, frame, offset) < frameSize || !format.IsValid(frame)) break;
            visit?.Invoke(offset, frameSize, frame[format.HeaderSize..]);
            offset += frameSize;
        }
        return offset;
    }

    /// <summary>
    /// Visits every intact frame of <paramref name="path"/> from <paramref name="start"/> and returns where they end. Bytes after them are a torn tail
    /// (returned in <paramref name="tornBytes"/>, not cut: the caller cuts them once the whole stream checks out) when
    /// <paramref name="tailMayBeTorn"/> and no intact frame follows; otherwise a <see cref="StorageDamageException"/>
    /// names the file and the offset of the first bad frame.
    /// </summary>
    public static long ScanStrict(SafeFileHandle file, string path, FrameVisitor? visit, bool tailMayBeTorn, out long tornBytes,
        FrameFormat? format = null, long start = 0)
    {
        format ??= FrameFormat.Record;
        var validEnd = Scan(file, start, visit, format);
        var length = RandomAccess.GetLength(file);
        tornBytes = length - validEnd;
        if (tornBytes == 0) return validEnd;
        if (!tailMayBeTorn)
            throw new StorageDamageException(path, validEnd, $"the frame there does not read back ({tornBytes} byte(s) to the end of the file), and a newer file follows it");
        if (NotTorn(file, validEnd, length, format) is { } damage) throw new StorageDamageException(path, validEnd, damage);
        var next = FindIntactFrame(file, validEnd + 1, length, format);
        if (next >= 0)
            throw new StorageDamageException(path, validEnd,
                $"the frame there does not read back, but an intact frame follows at byte {next}: this is not a torn tail a crash leaves");
        return validEnd;
    }

    /// <summary>
    /// Why the bytes from <paramref name="validEnd"/> to the end cannot be the last write a crash cut short, or null when
    /// they can. A crash leaves an incomplete frame (the file ends before the size its header announces) or bytes that
    /// never reached the disk (zeros, where the file was extended first). A frame whose announced size fits in the file
    /// but whose CRC does not match was written whole: damage (a flipped bit, an overwrite), never a torn tail — it may
    /// have been acknowledged. So is a header announcing more than any frame can hold. Where the header checks itself
    /// (<see cref="FrameFormat.CheckedHeader"/>), a complete header that fails its check is damage too (e.g. a flipped
    /// length field that now points past the end of the file), unless it is a header cut short: nothing but zeros from
    /// within it to the end of the file.
    /// </summary>
    private static string? NotTorn(SafeFileHandle file, long validEnd, long length, FrameFormat format)
    {
        if (length - validEnd < format.HeaderSize || IsZero(file, validEnd, length)) return null;
        Span<byte> header = stackalloc byte[format.HeaderSize];
        ReadFully(file, header, validEnd);
        if (!format.HeaderIntact(header))
            return header[^1] == 0 && IsZero(file, validEnd + format.HeaderSize, length)
                ? null // the header's write was cut short: its last byte and everything after it never reached the disk
                : $"the frame header there fails its check (its length field reads {FrameFormat.RawLength(header)}): damage, not the incomplete last write a crash leaves";
        var payload = format.PayloadLength(header);
        if (payload < 0)
            return $"the frame there announces {FrameFormat.RawLength(header)} payload bytes, more than any frame holds " +
                   $"({FrameFormat.MaxPayload}): damage, not the incomplete last write a crash leaves";
        var size = format.Size(payload);
        return validEnd + size <= length
            ? $"the frame there is complete ({size} bytes) but its CRC does not match: damage (e.g. a flipped bit), not the incomplete last write a crash leaves"
            : null;
    }

    /// <summary>True when every byte in [<paramref name="from"/>, <paramref name="to"/>) is zero.</summary>
    internal static bool IsZero(SafeFileHandle file, long from, long to)
    {
        var buffer = new byte[64 * 1024];
        for (var offset = from; offset < to;)
        {
            var n = ReadFully(file, buffer.AsSpan(0, (int)Math.Min(buffer.Length, to - offset)), offset);
            if (n == 0) return true;
            if (buffer.AsSpan(0, n).ContainsAnyExcept((byte)0)) return false;
            offset += n;
        }
        return true;
    }

    /// <summary>
    /// Visits every intact frame of the file from <paramref name="from"/>, also those after damage (salvage), and returns the damaged byte ranges
    /// skipped (start, end) — a torn tail is the last range.
    /// </summary>
    public static List<(long Start, long End)> ScanAll(SafeFileHandle file, long from, FrameVisitor visit, FrameFormat? format = null)
    {
        format ??= FrameFormat.Record;
        var skipped = new List<(long, long)>();
        var length = RandomAccess.GetLength(file);
        while (true)
        {
            var end = Scan(file, from, visit, format);
            if (end >= length) break;
            var next = FindIntactFrame(file, end + 1, length, format);
            skipped.Add((end, next < 0 ? length : next));
            if (next < 0) break;
            from = next;
        }
        return skipped;
    }

    /// <summary>Offset of the first intact frame starting at or after <paramref name="from"/> (any byte offset), or -1.</summary>
    public static long FindIntactFrame(SafeFileHandle file, long from, long length, FrameFormat? format = null)
    {
        format ??= FrameFormat.Record;
        var window = new byte[1024 * 1024];
        long windowStart = 0;
        var windowLength = 0;
        for (var offset = from; offset + format.HeaderSize <= length; offset++)
        {
            if (offset + format.HeaderSize > windowStart + windowLength)
            {
                windowStart = offset;
                windowLength = ReadFully(file, window, offset);
                if (windowLength < format.HeaderSize) return -1;
            }
            var at = (int)(offset - windowStart);
            var payload = format.PayloadLength(window.AsSpan(at, format.HeaderSize));
            if (payload < 0 || offset + format.Size(payload) > length) continue;
            var size = format.Size(payload);
            if (at + size <= windowLength)
            {
                if (format.IsValid(window.AsSpan(at, size))) return offset;
                continue;
            }
            if (IntactFrameSizeAt(file, offset, length, format) == size) return offset;
        }
        return -1;
    }

    /// <summary>
    /// The size of the intact <paramref name="format"/> frame that starts at <paramref name="offset"/> and ends by
    /// <paramref name="end"/>, at most <paramref name="maxFrameSize"/> bytes, or -1. Its check is computed a block at a
    /// time (one pooled 64 KiB block): a header announcing a large size allocates nothing of that size, and one
    /// announcing more than <paramref name="maxFrameSize"/> is refused unread.
    /// </summary>
    public static int IntactFrameSizeAt(SafeFileHandle file, long offset, long end, FrameFormat format, int maxFrameSize = int.MaxValue)
    {
        Span<byte> header = stackalloc byte[format.HeaderSize];
        if (offset < 0 || offset > end - header.Length || ReadFully(file, header, offset) < header.Length) return -1;
        var payload = format.PayloadLength(header);
        if (payload < 0 || format.Size(payload) > maxFrameSize || offset > end - format.Size(payload)) return -1;
        var crc = FrameFormat.PayloadCheckSeed(header);
        var block = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            for (long at = offset + format.HeaderSize, stop = offset + format.Size(payload); at < stop;)
            {
                var read = ReadFully(file, block.AsSpan(0, (int)Math.Min(block.Length, stop - at)), at);
                if (read == 0) return -1;
                crc = Crc32C.Compute(block.AsSpan(0, read), crc);
                at += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(block);
        }
        return format.PayloadCheckHolds(header, crc) ? format.Size(payload) : -1;
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
