using System.Globalization;
using SensorStream.Gateway.Storage;

namespace SensorStream.Gateway.Tests;

/// <summary>
/// Reads a stream's journal files as the tests need them: the newest file and the frames in it, decoded with the
/// engine's own codec (<see cref="JournalFileHeader"/>, <see cref="FrameScanner"/>, <see cref="JournalFrame"/>).
/// </summary>
public static class JournalFile
{
    public static string[] All(string streamDir) =>
        [.. Directory.GetFiles(Path.Combine(streamDir, "journal"), "*.jnl").Order(StringComparer.Ordinal)];

    public static string Newest(string streamDir) => All(streamDir).Last();

    /// <summary>The journal position of the file's first byte: its name (20 digits).</summary>
    public static long StartOf(string path) => long.Parse(Path.GetFileNameWithoutExtension(path), CultureInfo.InvariantCulture);

    /// <summary>Offset, total size and kind byte (1 data, 2 commit, 3 abort) of every intact frame in the file.</summary>
    public static List<(long Offset, int Size, byte Kind)> Frames(string path)
    {
        var frames = new List<(long, int, byte)>();
        using var file = File.OpenHandle(path);
        JournalFileHeader.ScanAll(file, path, (offset, size, payload) => frames.Add((offset, size, (byte)JournalFrame.KindOf(payload))));
        return frames;
    }

    /// <summary>Cuts the file in the middle of its last frame: what a crash during that frame's write leaves.</summary>
    public static (long FrameStart, byte Kind) TearLastFrame(string path)
    {
        var (offset, size, kind) = Frames(path).Last();
        using (var file = new FileStream(path, FileMode.Open)) file.SetLength(offset + size / 2);
        return (offset, kind);
    }
}
