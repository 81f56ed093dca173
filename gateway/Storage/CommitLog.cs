using Microsoft.Win32.SafeHandles;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// The stream's commit log (<c>commits.log</c>): append-only frames of <see cref="CommitEntry"/>. An entry is the
/// atomic commit point of its transactions. It also keeps the ids of committed transactions, so their status survives
/// restarts (a collector restarting hours later still learns COMMITTED).
/// </summary>
public sealed class CommitLog : IDisposable
{
    private readonly SafeFileHandle _file;
    private long _end;

    private CommitLog(SafeFileHandle file, long end)
    {
        _file = file;
        _end = end;
    }

    /// <summary>Offset after the last durable entry.</summary>
    public long End => _end;

    /// <summary>Opens the log, cuts off a torn tail, and returns every entry with the offset just after it.</summary>
    public static CommitLog Open(string path, out List<(CommitEntry Entry, long EndOffset)> entries, out long tornBytes)
    {
        var file = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        var found = new List<(CommitEntry, long)>();
        var validEnd = FrameScanner.Scan(file, 0, (offset, size, payload) => found.Add((CommitEntry.Decode(payload), offset + size)));
        var length = RandomAccess.GetLength(file);
        tornBytes = length - validEnd;
        if (tornBytes > 0)
        {
            RandomAccess.SetLength(file, validEnd);
            RandomAccess.FlushToDisk(file);
        }
        entries = found;
        return new CommitLog(file, validEnd);
    }

    /// <summary>Appends one entry and fsyncs: when this returns, the commit is decided. Called by one thread at a time.</summary>
    public long Append(CommitEntry entry)
    {
        var payload = entry.Encode();
        var frame = new byte[RecordFrame.Size(payload.Length)];
        payload.CopyTo(frame, RecordFrame.HeaderSize);
        RecordFrame.WriteHeader(frame, payload);
        try
        {
            RandomAccess.Write(_file, frame, _end);
            RandomAccess.FlushToDisk(_file);
        }
        catch
        {
            // Leave no half-entry behind for the next append to follow (recovery would stop reading at it).
            try { RandomAccess.SetLength(_file, _end); } catch (IOException) { }
            throw;
        }
        _end += frame.Length;
        return _end;
    }

    public void Dispose() => _file.Dispose();
}
