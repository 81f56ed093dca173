using System.Runtime.InteropServices;

namespace SensorStream.EdgeModule.Sensors;

/// <summary>
/// The buffer's character device (<c>/dev/iio:deviceN</c>, or a FIFO or file standing in for it in tests), opened
/// non-blocking and waited on with <c>poll(2)</c>, so a read never blocks past its timeout and a stop is seen at once.
/// </summary>
internal sealed partial class IioCharDevice : IDisposable
{
    private const int ReadOnly = 0;
    private const int NonBlocking = 0x800; // O_NONBLOCK on Linux
    private const int CloseOnExec = 0x80000; // O_CLOEXEC
    private const short PollIn = 0x1;
    private const int Eagain = 11;
    private const int Eintr = 4;
    private int _fd;

    /// <summary>Opens <paramref name="path"/>; <see cref="IOException"/> names it and the error.</summary>
    public IioCharDevice(string path)
    {
        Path = path;
        _fd = Open(path, ReadOnly | NonBlocking | CloseOnExec);
        if (_fd < 0) throw new IOException($"IIO: cannot open {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
    }

    /// <summary>The device node's path.</summary>
    public string Path { get; }

    /// <summary>
    /// Waits up to <paramref name="timeoutMillis"/> for data, then reads what is there into <paramref name="buffer"/>.
    /// Returns the bytes read: 0 when nothing arrived (or a FIFO's writer has gone: the caller waits again).
    /// </summary>
    public unsafe int Read(Span<byte> buffer, int timeoutMillis)
    {
        var fds = new PollFd { Fd = _fd, Events = PollIn };
        var ready = PollOne(ref fds, 1, timeoutMillis);
        if (ready < 0 && Marshal.GetLastPInvokeError() != Eintr)
            throw new IOException($"IIO: poll on {Path} failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        if (ready <= 0) return 0;
        fixed (byte* p = buffer)
        {
            var n = ReadBytes(_fd, p, buffer.Length);
            if (n == 0) Thread.Sleep(timeoutMillis); // end of a FIFO whose writer left, or of a file: nothing until more is written
            if (n >= 0) return (int)n;
            var error = Marshal.GetLastPInvokeError();
            if (error is Eagain or Eintr) return 0;
            throw new IOException($"IIO: read from {Path} failed: {Marshal.GetPInvokeErrorMessage(error)}");
        }
    }

    public void Dispose()
    {
        if (_fd >= 0) CloseFd(_fd);
        _fd = -1;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int PollOne(ref PollFd fds, nuint count, int timeoutMillis);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint ReadBytes(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int CloseFd(int fd);
}
