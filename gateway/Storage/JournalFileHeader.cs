using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// The first bytes of a journal file: <c>"SSJN"</c> then a u32 version (little-endian), 8 bytes. Version 2 files hold
/// <see cref="FrameFormat.CheckedHeader"/> frames from byte 8. Files without the magic were written before it existed
/// (version 1): <see cref="FrameFormat.Record"/> frames from byte 0 — no such frame starts with the magic, whose first
/// four bytes read as a length above <see cref="FrameFormat.MaxPayload"/>. The header's bytes count in the journal's
/// global positions (a file's name is still the position of its first byte).
/// </summary>
public static class JournalFileHeader
{
    /// <summary>Bytes of the header.</summary>
    public const int Size = 8;

    /// <summary>The version this build writes.</summary>
    public const uint CurrentVersion = 2;

    private static ReadOnlySpan<byte> Magic => "SSJN"u8;

    /// <summary>What the start of a journal file says.</summary>
    public enum Kind
    {
        /// <summary>Version 1: no header, <see cref="FrameFormat.Record"/> frames from byte 0.</summary>
        Legacy,

        /// <summary>Version 2: <see cref="FrameFormat.CheckedHeader"/> frames from byte <see cref="Size"/>.</summary>
        Current,

        /// <summary>
        /// Empty, or the header's write was cut short (a prefix of it, then nothing but zeros to the end of the file):
        /// a file created just before a crash, before anything in it was acknowledged.
        /// </summary>
        Unwritten,
    }

    /// <summary>Writes the current header into <paramref name="destination"/> (<see cref="Size"/> bytes).</summary>
    public static void Write(Span<byte> destination)
    {
        Magic.CopyTo(destination);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], CurrentVersion);
    }

    /// <summary>
    /// Reads the start of <paramref name="file"/>. A header with the magic but another version is a
    /// <see cref="StorageDamageException"/> (a newer build's file, or damage) naming the file; so is a damaged magic
    /// ("bad magic/header … at byte 0": the first bytes are neither the magic nor a plausible version-1 frame header).
    /// </summary>
    public static Kind Read(SafeFileHandle file, string path)
    {
        var length = RandomAccess.GetLength(file);
        Span<byte> start = stackalloc byte[Size];
        var n = FrameScanner.ReadFully(file, start, 0);
        Span<byte> expected = stackalloc byte[Size];
        Write(expected);
        var written = start[..n];
        var prefix = 0;
        while (prefix < n && written[prefix] == expected[prefix]) prefix++;
        if (!written[prefix..].ContainsAnyExcept((byte)0) && (n < Size || prefix < Size) && FrameScanner.IsZero(file, n, length)) return Kind.Unwritten;
        if (n < Size || !written[..4].SequenceEqual(Magic))
        {
            // A version-1 file starts with a frame header: a length up to MaxPayload. The magic reads as a length far
            // above it, and the version field as the frame's CRC: damage to the header is never taken for version 1.
            if (n < Size || FrameFormat.RawLength(written) <= FrameFormat.MaxPayload && !written[4..].SequenceEqual(expected[4..])) return Kind.Legacy;
            throw new StorageDamageException(path, 0,
                $"bad magic/header: the journal file starts with {Convert.ToHexString(written[..4])}, not the magic {Convert.ToHexString(Magic)} (\"SSJN\") of a version-{CurrentVersion} header, nor a version-1 frame");
        }
        var version = BinaryPrimitives.ReadUInt32LittleEndian(written[4..]);
        return version == CurrentVersion
            ? Kind.Current
            : throw new StorageDamageException(path, 4, $"the journal file header names version {version}; this gateway reads versions 1 and {CurrentVersion}");
    }

    /// <summary>The frame format of a file of <paramref name="kind"/>, and the offset of its first frame.</summary>
    public static (FrameFormat Format, int DataStart) Layout(Kind kind) =>
        kind == Kind.Legacy ? (FrameFormat.Record, 0) : (FrameFormat.CheckedHeader, Size);

    /// <summary>Visits every intact frame of a journal file (either version; salvage and tests), skipping damage; returns the ranges skipped.</summary>
    public static List<(long Start, long End)> ScanAll(SafeFileHandle file, string path, FrameScanner.FrameVisitor visit)
    {
        var kind = Read(file, path);
        if (kind == Kind.Unwritten) return RandomAccess.GetLength(file) is var l && l > 0 ? [(0, l)] : [];
        var (format, dataStart) = Layout(kind);
        return FrameScanner.ScanAll(file, dataStart, visit, format);
    }
}
