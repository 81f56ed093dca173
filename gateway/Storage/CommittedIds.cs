using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// Ids of committed transactions whose journal files are gone (<c>committed.log</c>): frames of
/// <c>[i64 commit time][i32 count][16-byte id]…</c>, appended by each checkpoint before it deletes journal files, so
/// COMMITTED is answered for every transaction ever committed on the stream, across restarts.
/// </summary>
public sealed class CommittedIds : IDisposable
{
    private readonly SafeFileHandle _file;
    private long _end;

    private CommittedIds(SafeFileHandle file, long end)
    {
        _file = file;
        _end = end;
    }

    /// <summary>Opens the file (cutting a torn tail) and adds every id it holds, with its commit time, to <paramref name="into"/>.</summary>
    public static CommittedIds Open(string path, IDictionary<string, long> into)
    {
        var file = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        var end = FrameScanner.Scan(file, 0, (_, _, payload) =>
        {
            var at = BinaryPrimitives.ReadInt64LittleEndian(payload);
            var count = BinaryPrimitives.ReadInt32LittleEndian(payload[8..]);
            for (var i = 0; i < count; i++)
                into[JournalFrame.IdText(new Guid(payload.Slice(12 + i * JournalFrame.IdSize, JournalFrame.IdSize)))] = at;
        });
        if (RandomAccess.GetLength(file) > end)
        {
            RandomAccess.SetLength(file, end);
            RandomAccess.FlushToDisk(file);
        }
        return new CommittedIds(file, end);
    }

    /// <summary>Appends the ids (grouped by commit time) and fsyncs.</summary>
    public void Append(IEnumerable<(string Id, long CommittedAtMs)> ids)
    {
        using var frames = new MemoryStream();
        foreach (var group in ids.GroupBy(i => i.CommittedAtMs))
        {
            var list = group.ToList();
            var payload = new byte[12 + list.Count * JournalFrame.IdSize];
            BinaryPrimitives.WriteInt64LittleEndian(payload, group.Key);
            BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(8), list.Count);
            for (var i = 0; i < list.Count; i++)
                JournalFrame.IdOf(list[i].Id).TryWriteBytes(payload.AsSpan(12 + i * JournalFrame.IdSize));
            var frame = new byte[RecordFrame.Size(payload.Length)];
            payload.CopyTo(frame, RecordFrame.HeaderSize);
            RecordFrame.WriteHeader(frame, payload);
            frames.Write(frame);
        }
        if (frames.Length == 0) return;
        try
        {
            RandomAccess.Write(_file, frames.GetBuffer().AsSpan(0, (int)frames.Length), _end);
            RandomAccess.FlushToDisk(_file);
        }
        catch
        {
            try { RandomAccess.SetLength(_file, _end); } catch (IOException) { }
            throw;
        }
        _end += frames.Length;
    }

    public void Dispose() => _file.Dispose();
}
