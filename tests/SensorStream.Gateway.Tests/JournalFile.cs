using System.Buffers.Binary;

namespace SensorStream.Gateway.Tests;

/// <summary>Reads a stream's journal files as the tests need them: the newest file and the frames in it.</summary>
public static class JournalFile
{
    public static string[] All(string streamDir) =>
        [.. Directory.GetFiles(Path.Combine(streamDir, "journal"), "*.jnl").Order(StringComparer.Ordinal)];

    public static string Newest(string streamDir) => All(streamDir).Last();

    /// <summary>Offset, total size and kind byte (1 data, 2 commit, 3 abort) of every frame in the file.</summary>
    public static List<(long Offset, int Size, byte Kind)> Frames(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var frames = new List<(long, int, byte)>();
        for (var offset = 0; offset + 8 < bytes.Length;)
        {
            var size = 8 + (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset));
            frames.Add((offset, size, bytes[offset + 8]));
            offset += size;
        }
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
