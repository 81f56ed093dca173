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

    public static void ReleaseBefore(SegmentFile segment, long head)
    {
        if (!OperatingSystem.IsLinux() || head <= 0) return;
        var fd = (int)segment.Handle.DangerousGetHandle();
        _ = Fallocate(fd, FallocFlPunchHole | FallocFlKeepSize, 0, head);
    }

    [DllImport("libc", EntryPoint = "fallocate", SetLastError = true)]
    private static extern int Fallocate(int fd, int mode, long offset, long length);
}
