using Microsoft.Win32.SafeHandles;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// The older layout's commit log (<c>commits.log</c>): frames of <see cref="CommitEntry"/>, each the commit point of its
/// transactions. Only read now, to upgrade a data directory to the journal (<see cref="LegacyLayout"/>).
/// </summary>
public static class CommitLog
{
    /// <summary>Every intact entry with the offset just after it (a torn tail is ignored: it was never acknowledged).</summary>
    public static List<(CommitEntry Entry, long EndOffset)> Read(string path)
    {
        using SafeFileHandle file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var found = new List<(CommitEntry, long)>();
        FrameScanner.Scan(file, 0, (offset, size, payload) => found.Add((CommitEntry.Decode(payload), offset + size)));
        return found;
    }
}
