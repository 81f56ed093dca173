using System.Runtime.InteropServices;

namespace SensorStream.Streams.Storage;

/// <summary>
/// The durability primitives both the gateway's store and the edge queue's sidecar files rely on (POSIX: a created,
/// renamed or deleted name survives a power cut only once its directory is fsynced).
/// </summary>
public static class DurableFile
{
    /// <summary>fsync a directory. On Windows, NTFS metadata is journaled and directories cannot be opened for flushing.</summary>
    /// <exception cref="IOException">open or fsync failed (the message carries errno).</exception>
    public static void SyncDirectory(string path)
    {
        if (OperatingSystem.IsWindows()) return;
        var fd = Open(path, 0 /* O_RDONLY */);
        if (fd < 0) throw new IOException($"open({path}) for fsync failed: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            if (Fsync(fd) != 0) throw new IOException($"fsync({path}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>
    /// Replaces <paramref name="path"/> with <paramref name="content"/> atomically and durably: <c>{path}.tmp</c> written
    /// and fsynced, renamed over <paramref name="path"/>, the directory fsynced. After it returns the file holds the new
    /// content even across a power cut; before, it holds the old content.
    /// </summary>
    public static void ReplaceAtomically(string path, ReadOnlySpan<byte> content)
    {
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
