using System.Runtime.InteropServices;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// Gives the disk space before a segment's head back to the file system by punching a hole (Linux fallocate):
/// offsets stay as they are, so stream cuts and event pointers keep their meaning. Best effort: on other systems or
/// file systems without hole punching the bytes simply stay.
/// </summary>
public static class SpaceReclaimer
{
    private const int FallocFlKeepSize = 0x01;
    private const int FallocFlPunchHole = 0x02;

    /// <summary>Punches a hole over bytes 0..<paramref name="head"/> of the open segment file.</summary>
    public static void ReleaseBefore(Microsoft.Win32.SafeHandles.SafeFileHandle segment, long head)
    {
        if (!OperatingSystem.IsLinux() || head <= 0) return;
        var added = false;
        try
        {
            segment.DangerousAddRef(ref added);
            _ = Fallocate((int)segment.DangerousGetHandle(), FallocFlPunchHole | FallocFlKeepSize, 0, head);
        }
        finally
        {
            if (added) segment.DangerousRelease();
        }
    }

    [DllImport("libc", EntryPoint = "fallocate", SetLastError = true)]
    private static extern int Fallocate(int fd, int mode, long offset, long length);
}
