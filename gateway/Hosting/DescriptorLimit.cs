using System.Runtime.InteropServices;
using SensorStream.Gateway.Storage;
using SensorStream.Streams.Configuration;
using SensorStream.Streams.Configuration.Catalogs;

namespace SensorStream.Gateway.Hosting;

/// <summary>
/// Fits <c>--max-open-segment-files</c> under the process's open-file limit (<c>RLIMIT_NOFILE</c>, soft; <c>ulimit -n</c>),
/// keeping descriptors for everything else (<see cref="Reserved"/>): what the process holds already (the runtime maps
/// each assembly; ~200 once the host runs), two per stream (its newest journal file and <c>committed.log</c>) and
/// <see cref="Headroom"/> for sockets and the assemblies loaded later. A cap above what the limit leaves is lowered with
/// one warning naming the numbers; a limit that leaves fewer than the smallest cap (16) is refused naming the setting
/// and the limit.
/// </summary>
public static class DescriptorLimit
{
    /// <summary>Descriptors kept free on top of those in use and the streams' own: client and listening sockets, assemblies the host loads after the check.</summary>
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
    /// Descriptors that are not segment files for a gateway on <paramref name="dataDirectory"/>: those this process holds
    /// now (<c>/proc/self/fd</c>; 0 where it cannot be read), 2 per stream folder under <c>scopes/</c>, and <see cref="Headroom"/>.
    /// </summary>
    public static int Reserved(string dataDirectory)
    {
        var inUse = 0;
        try
        {
            if (Directory.Exists("/proc/self/fd")) inUse = Directory.EnumerateFileSystemEntries("/proc/self/fd").Count();
        }
        catch (IOException) { }
        var scopes = Path.Combine(dataDirectory, "scopes");
        var streams = 0;
        try
        {
            if (Directory.Exists(scopes)) streams = Directory.EnumerateDirectories(scopes).Sum(scope => Directory.EnumerateDirectories(scope).Count());
        }
        catch (IOException) { } // the store's own opening names a data directory it cannot read
        catch (UnauthorizedAccessException) { }
        return inUse + 2 * streams + Headroom;
    }

    /// <summary>
    /// The segment-file cap to use given <paramref name="requested"/>, the soft limit <paramref name="softLimit"/> (null:
    /// unknown, the request stands) and the descriptors <paramref name="reserved"/> for everything else (<see cref="Reserved"/>).
    /// <paramref name="warning"/> is the one line to log when the cap was lowered. Throws <see cref="ConfigurationError"/>
    /// when the limit leaves fewer than <see cref="MinimumCap"/> descriptors.
    /// </summary>
    public static int Fit(int requested, long? softLimit, int reserved, out string? warning)
    {
        warning = null;
        if (softLimit is not { } soft || requested + (long)reserved <= soft) return requested;
        var room = soft - reserved;
        if (room < MinimumCap)
            throw new ConfigurationError(
                $"{Setting.FlagAndVariable}: the open-file limit (ulimit -n) is {soft}, which leaves fewer than {MinimumCap} segment files after {reserved} for the runtime, sockets and journals; raise the limit to at least {MinimumCap + reserved}");
        warning = $"{Setting.Flag} {requested} plus {reserved} descriptors for the runtime, sockets and journals exceeds the open-file limit (ulimit -n) {soft}: holding at most {room} segment files open (raise ulimit -n to keep {requested})";
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
