namespace SensorStream.EdgeModule.Import;

/// <summary>
/// When a CSV file is complete. Recommended: the writer writes under a temporary name that the importer ignores (a name
/// starting with <c>.</c>, or not ending in <c>.csv</c>, e.g. <c>data.csv.tmp</c>) and renames it into the folder when
/// done (a rename is atomic). Otherwise a file is taken only when no process holds it open for writing (Linux: every
/// <c>/proc/&lt;pid&gt;/fd/*</c> link that points at it, with the access mode in <c>/proc/&lt;pid&gt;/fdinfo</c>) and for the
/// stable time it has neither changed nor been seen open for writing (the importer remembers when it last saw a writer). The probe sees only processes of this PID namespace: a writer in another container
/// must use the rename convention. No file lock is tried: loggers rarely take one, and an advisory lock held by a
/// reader would block them.
/// </summary>
internal static class CsvReadiness
{
    /// <summary>True for a name the importer considers: ends with <c>.csv</c> in any case and does not start with <c>.</c>.</summary>
    public static bool IsCsvName(string fileName) =>
        !fileName.StartsWith('.') && fileName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The subset of <paramref name="paths"/> (full paths) that some process holds open for writing (O_WRONLY or O_RDWR),
    /// found with one pass over <paramref name="procRoot"/>; empty when there is no such folder (not Linux). Processes
    /// that end or deny access meanwhile are skipped.
    /// </summary>
    public static HashSet<string> OpenForWriting(IReadOnlyCollection<string> paths, string procRoot = "/proc")
    {
        var open = new HashSet<string>(StringComparer.Ordinal);
        if (paths.Count == 0 || !Directory.Exists(procRoot)) return open;
        var wanted = new HashSet<string>(paths, StringComparer.Ordinal);
        foreach (var process in Directory.EnumerateDirectories(procRoot))
        {
            var pid = Path.GetFileName(process);
            if (pid.Length == 0 || !char.IsAsciiDigit(pid[0])) continue;
            try
            {
                foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Combine(process, "fd")))
                {
                    if (new FileInfo(fd).LinkTarget is not { } target || !wanted.Contains(target)) continue;
                    if (IsWritable(Path.Combine(process, "fdinfo", Path.GetFileName(fd)))) open.Add(target);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return open;
    }

    /// <summary>The <c>flags:</c> line of an fdinfo file is octal open(2) flags; the low two bits are the access mode.</summary>
    private static bool IsWritable(string fdinfo)
    {
        foreach (var line in File.ReadLines(fdinfo))
            if (line.StartsWith("flags:", StringComparison.Ordinal))
            {
                try
                {
                    return (Convert.ToInt64(line[6..].Trim(), 8) & 3) != 0;
                }
                catch (FormatException)
                {
                    return false;
                }
            }
        return false;
    }
}
