using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using SensorStream.Streams.Storage;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// The durability primitives: fsync of directories (so that created, renamed and deleted names survive a power cut)
/// and atomic replacement of small metadata files.
/// </summary>
public static class DurableFiles
{
    /// <summary>fsync a directory (see <see cref="DurableFile.SyncDirectory"/>).</summary>
    public static void SyncDirectory(string path) => DurableFile.SyncDirectory(path);

    /// <summary>
    /// fdatasync on Linux: the data and what is needed to read it back (the file size), without the timestamps fsync also
    /// flushes. Enough for an append-only log whose name is already durable; fsync elsewhere.
    /// </summary>
    public static void SyncData(SafeFileHandle file)
    {
        if (!OperatingSystem.IsLinux())
        {
            RandomAccess.FlushToDisk(file);
            return;
        }
        var added = false;
        try
        {
            file.DangerousAddRef(ref added);
            if (Fdatasync((int)file.DangerousGetHandle()) != 0) throw new IOException($"fdatasync failed: errno {Marshal.GetLastPInvokeError()}");
        }
        finally
        {
            if (added) file.DangerousRelease();
        }
    }

    /// <summary>Replaces <paramref name="path"/> with the UTF-8 of <paramref name="content"/> atomically and durably (see <see cref="DurableFile.ReplaceAtomically"/>).</summary>
    public static void WriteAtomically(string path, string content) => DurableFile.ReplaceAtomically(path, Encoding.UTF8.GetBytes(content));

    /// <summary>Creates a directory and makes its name durable in the parent.</summary>
    public static void CreateDirectory(string path)
    {
        Directory.CreateDirectory(path);
        SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar))!);
    }

    /// <summary>
    /// Reserves disk blocks for bytes <paramref name="offset"/>..+<paramref name="length"/> without changing the file's
    /// size (Linux <c>fallocate(FALLOC_FL_KEEP_SIZE)</c>), so a later write there cannot fail for lack of space. A full
    /// disk throws an <see cref="IOException"/> with HResult ENOSPC; file systems without fallocate are skipped.
    /// </summary>
    public static void Reserve(SafeFileHandle file, long offset, long length)
    {
        if (!OperatingSystem.IsLinux() || length <= 0) return;
        var added = false;
        try
        {
            file.DangerousAddRef(ref added);
            if (Fallocate((int)file.DangerousGetHandle(), 1 /* FALLOC_FL_KEEP_SIZE */, offset, length) == 0) return;
            var errno = Marshal.GetLastPInvokeError();
            if (errno is 28 or 122) throw new IOException($"No space left on device to reserve {length} bytes", errno);
            // EOPNOTSUPP and the like: the write itself will tell.
        }
        finally
        {
            if (added) file.DangerousRelease();
        }
    }

    [DllImport("libc", EntryPoint = "fallocate", SetLastError = true)]
    private static extern int Fallocate(int fd, int mode, long offset, long length);

    [DllImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static extern int Fdatasync(int fd);
}
