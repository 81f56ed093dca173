namespace SensorStream.Chaos;

/// <summary>
/// The collector's data folder on a small file system of its own (a tmpfs), so the harness can fill it for real —
/// SQLite then gets SQLITE_FULL / ENOSPC exactly as on a full SD card — without touching the machine's disk.
/// Mounting needs root (CAP_SYS_ADMIN); where that is missing the disk-full fault is left out and the reason logged.
/// </summary>
public sealed class EdgeDisk : IDisposable
{
    /// <summary>Name of the file that takes up the free space during the fault (left out of disk-use readings).</summary>
    public const string FillerName = ".chaos-disk-filler";

    private readonly string _path;
    private bool _mounted = true;

    private EdgeDisk(string path) => _path = path;

    public static EdgeDisk? TryMount(string path, int megabytes, Action<string> log)
    {
        Directory.CreateDirectory(path);
        var (exit, output) = HostCommand.Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m,mode=0755", "tmpfs", path);
        if (exit == 0)
        {
            log($"edge data on its own {megabytes} MiB tmpfs at {path} (for the disk-full fault)");
            return new EdgeDisk(path);
        }
        log($"disk-full fault not available (mounting a tmpfs at {path} failed: {output.Trim()})");
        return null;
    }

    private string Filler => Path.Combine(_path, FillerName);

    /// <summary>Takes every free byte: the next write of the collector that needs a new block fails with ENOSPC.</summary>
    public long Fill()
    {
        var chunk = new byte[1 << 20];
        using var file = new FileStream(Filler, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        var size = chunk.Length;
        while (size >= 4096)
        {
            try
            {
                file.Write(chunk, 0, size);
            }
            catch (IOException)
            {
                size /= 2; // the last chunk did not fit: fill the remainder with smaller ones
            }
        }
        return file.Length;
    }

    public void Free()
    {
        if (File.Exists(Filler)) File.Delete(Filler);
    }

    /// <summary>Unmounts (lazily if a process still holds a file there); the data on it is gone afterwards.</summary>
    public void Dispose()
    {
        if (!_mounted) return;
        _mounted = false;
        Free();
        if (HostCommand.Run("umount", _path).Exit != 0) HostCommand.Run("umount", "-l", _path);
    }
}
