using System.Runtime.InteropServices;
using SensorStream.Gateway.Storage;
using SensorStream.Streams.Configuration;
using SensorStream.Streams.Configuration.Catalogs;

namespace SensorStream.Gateway.Hosting;

/// <summary>
/// Fits <c>--max-open-segment-files</c> under the process's open-file limit (<c>RLIMIT_NOFILE</c>, soft; <c>ulimit -n</c>),
/// keeping <see cref="Headroom"/> descriptors for sockets, journal files, <c>committed.log</c> and the runtime. A cap
/// above what the limit leaves is lowered with one warning naming both numbers; a limit that leaves fewer than the
/// smallest cap (16) is refused naming the setting and the limit.
/// </summary>
public static class DescriptorLimit
{
    /// <summary>Descriptors kept free of segment files: listening and client sockets, each stream's journal files and <c>committed.log</c>, the runtime's own.</summary>
    public const int Headroom = 256;

    /// <summary>The setting this fits (<c>--max-open-segment-files</c>).</summary>
    public static Setting Setting => GatewayServerSettings.Group["MaxOpenSegmentFiles"];

    /// <summary>The smallest segment-file cap the settings accept (the setting's minimum).</summary>
    public static int MinimumCap => (int)Setting.Min!.Value;

    /// <summary>The soft open-file limit of this process, or null where it cannot be read (not Linux/macOS, or unlimited).</summary>
    public static long? SoftLimit()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return null;
        try
        {
            var limit = new RLimit();
            if (getrlimit(OperatingSystem.IsLinux() ? 7 : 8, ref limit) != 0) return null; // RLIMIT_NOFILE: 7 on Linux, 8 on macOS
            return limit.Current >= long.MaxValue ? null : (long)limit.Current;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// The segment-file cap to use given <paramref name="requested"/> and the soft limit <paramref name="softLimit"/>
    /// (null: unknown, the request stands). <paramref name="warning"/> is the one line to log when the cap was lowered.
    /// Throws <see cref="ConfigurationError"/> when the limit leaves fewer than <see cref="MinimumCap"/> descriptors.
    /// </summary>
    public static int Fit(int requested, long? softLimit, out string? warning)
    {
        warning = null;
        if (softLimit is not { } soft || requested + (long)Headroom <= soft) return requested;
        var room = soft - Headroom;
        if (room < MinimumCap)
            throw new ConfigurationError(
                $"{Setting.FlagAndVariable}: the open-file limit (ulimit -n) is {soft}, which leaves fewer than {MinimumCap} segment files after {Headroom} for sockets and journals; raise the limit to at least {MinimumCap + Headroom}");
        warning = $"{Setting.Flag} {requested} plus {Headroom} descriptors for sockets and journals exceeds the open-file limit (ulimit -n) {soft}: holding at most {room} segment files open (raise ulimit -n to keep {requested})";
        return (int)room;
    }

    /// <summary>Whether <paramref name="e"/> is the operating system's "too many open files" (EMFILE/ENFILE).</summary>
    public static bool IsTooManyOpenFiles(Exception e) => TooManyOpenFilesException.Is(e);

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int getrlimit(int resource, ref RLimit limit);
}
