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

    /// <summary>
    /// Opens the file (cutting a torn tail: an incomplete last append with nothing intact after it) and adds every id it
    /// holds, with its commit time, to <paramref name="add"/>. Any other bad frame is a <see cref="StorageDamageException"/>
    /// naming the offset (the ids after it would answer UNKNOWN, so nothing is cut); so is a missing file unless
    /// <paramref name="create"/> (a new stream, an upgrade), and a file whose intact frames end before
    /// <paramref name="durableEnd"/> (the length the last checkpoint recorded after its fsync).
    /// </summary>
    public static CommittedIds Open(string path, Action<Guid, long> add, bool create = false, long durableEnd = 0)
    {
        SafeFileHandle file;
        try
        {
            file = File.OpenHandle(path, create ? FileMode.OpenOrCreate : FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        }
        catch (FileNotFoundException)
        {
            throw new StorageDamageException(path, 0, "the file is missing: the ids of transactions committed before the last checkpoint are gone");
        }
        long end, torn;
        try
        {
            end = FrameScanner.ScanStrict(file, path, (offset, _, payload) => Read(path, offset, payload, add), tailMayBeTorn: true, out torn);
            if (end < durableEnd)
                throw new StorageDamageException(path, end,
                    $"the intact frames end there{(torn > 0 ? $" (then {torn} byte(s) that do not read back)" : "")}, but checkpoint.json records that {durableEnd} bytes were fsynced: committed ids are missing");
        }
        catch
        {
            file.Dispose();
            throw;
        }
        if (torn > 0)
        {
            RandomAccess.SetLength(file, end);
            RandomAccess.FlushToDisk(file);
        }
        return new CommittedIds(file, end);
    }

    /// <summary>
    /// Checks the file without changing it (verify): how many ids it holds and how many torn bytes follow them; damage
    /// (or a file shorter than <paramref name="durableEnd"/>) is a <see cref="StorageDamageException"/>.
    /// </summary>
    public static int Check(string path, long durableEnd, out long tornBytes)
    {
        if (!File.Exists(path)) throw new StorageDamageException(path, 0, "the file is missing");
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var ids = new CommittedSet();
        var end = FrameScanner.ScanStrict(file, path, (offset, _, payload) => Read(path, offset, payload, (id, _) => ids.Add(id)), tailMayBeTorn: true, out tornBytes);
        if (end < durableEnd)
            throw new StorageDamageException(path, end, $"the intact frames end there, but checkpoint.json records that {durableEnd} bytes were fsynced: committed ids are missing");
        return (int)ids.Count;
    }

    /// <summary>Passes each id of one frame's payload, with its commit time (Unix ms), to <paramref name="add"/>; a payload of another shape is damage at <paramref name="offset"/>.</summary>
    internal static void Read(string path, long offset, ReadOnlySpan<byte> payload, Action<Guid, long> add)
    {
        if (payload.Length < 12 || payload.Length != 12 + (long)BinaryPrimitives.ReadInt32LittleEndian(payload[8..]) * JournalFrame.IdSize)
            throw new StorageDamageException(path, offset, "a frame of committed ids whose count does not match its length");
        var at = BinaryPrimitives.ReadInt64LittleEndian(payload);
        var count = BinaryPrimitives.ReadInt32LittleEndian(payload[8..]);
        for (var i = 0; i < count; i++)
            add(new Guid(payload.Slice(12 + i * JournalFrame.IdSize, JournalFrame.IdSize)), at);
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

    /// <summary>Length of the file after the last append (recorded by the checkpoint).</summary>
    public long End => _end;

    /// <summary>Closes the file.</summary>
    public void Dispose() => _file.Dispose();
}
