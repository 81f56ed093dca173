using System.Text;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// Whether writes can succeed: set when a journal write hits a full disk (ENOSPC, EDQUOT), cleared by the next write
/// that is durable or by <see cref="ProbeSpace"/> once space is back. The health service answers NOT_SERVING meanwhile
/// (reads keep working).
/// </summary>
public sealed class StoreHealth
{
    private const int ENOSPC = 28;
    private const int EDQUOT = 122;
    private volatile string? _diskFull;

    /// <summary>Why writes cannot succeed now, or null.</summary>
    public string? DiskFull => _diskFull;

    /// <summary>True for the errors of a full disk or an exhausted quota.</summary>
    public static bool IsDiskFull(Exception e) =>
        e is IOException io && (io.HResult is ENOSPC or EDQUOT || io.HResult == unchecked((int)0x80070070) /* Windows ERROR_DISK_FULL */ ||
                                io.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase));

    internal void ReportDiskFull(string what) => _diskFull = what;

    internal void ReportWritten() => _diskFull = null;

    /// <summary>
    /// When the disk was full: writes and fsyncs a 1 MiB probe file in <paramref name="dataDirectory"/> and removes it;
    /// success clears the state. Returns whether writes can succeed.
    /// </summary>
    public bool ProbeSpace(string dataDirectory)
    {
        if (_diskFull is null) return true;
        var probe = Path.Combine(dataDirectory, "space-probe.tmp");
        try
        {
            using (var file = new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                file.Write(new byte[1024 * 1024]);
                file.Flush(flushToDisk: true);
            }
            _diskFull = null;
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        finally
        {
            try { File.Delete(probe); } catch (IOException) { }
        }
    }

    /// <summary>For logs and the health check.</summary>
    public override string ToString() => _diskFull is null ? "writes ok" : new StringBuilder("writes blocked: ").Append(_diskFull).ToString();
}
