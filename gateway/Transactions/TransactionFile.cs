using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using SensorStream.Gateway.Storage;

namespace SensorStream.Gateway.Transactions;

/// <summary>Where one written event sits in a transaction file, and which segment it goes to.</summary>
public readonly record struct TransactionEventRef(int Segment, long EventOffset, int EventLength);

/// <summary>
/// A transaction's own durable file (<c>txns/{id}.txn</c>): frames whose payload is <c>[i32 segment][event bytes]</c>.
/// A write is acknowledged only after its frames are fsynced. The file lives until the commit that merges it is
/// covered by a checkpoint (it is the redo source), or until the transaction aborts.
/// </summary>
public sealed class TransactionFile : IDisposable
{
    public const int EventOverhead = RecordFrame.HeaderSize + 4;

    private readonly SafeFileHandle _file;
    private long _end;
    private bool _nameDurable;

    private TransactionFile(string path, SafeFileHandle file, long end)
    {
        Path = path;
        _file = file;
        _end = end;
    }

    public string Path { get; }
    public long Length => _end;

    /// <summary>
    /// Creates the file. Its name is made durable with the first write (fsync of the directory beside the file's own
    /// fsync), not here: BeginTransaction costs no fsync, and a transaction lost before its first write is simply unknown.
    /// </summary>
    public static TransactionFile Create(string path)
    {
        var file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
        return new TransactionFile(path, file, 0);
    }

    /// <summary>Opens an existing file after a restart, cutting off a torn (never acknowledged) tail.</summary>
    public static TransactionFile Open(string path, out List<TransactionEventRef> events)
    {
        var file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        var found = new List<TransactionEventRef>();
        var end = FrameScanner.Scan(file, 0, (offset, _, payload) =>
            found.Add(new TransactionEventRef(
                BinaryPrimitives.ReadInt32LittleEndian(payload),
                offset + EventOverhead,
                payload.Length - 4)));
        if (RandomAccess.GetLength(file) > end)
        {
            RandomAccess.SetLength(file, end);
            RandomAccess.FlushToDisk(file);
        }
        events = found;
        return new TransactionFile(path, file, end) { _nameDurable = true };
    }

    /// <summary>Appends events durably (one write, one fsync) and returns where each landed. One caller at a time.</summary>
    public async Task<List<TransactionEventRef>> AppendAsync(IReadOnlyList<(int Segment, ReadOnlyMemory<byte> Event)> events)
    {
        var size = 0;
        foreach (var e in events) size += EventOverhead + e.Event.Length;
        var buffer = new byte[size];
        var refs = new List<TransactionEventRef>(events.Count);
        var position = 0;
        foreach (var (segment, evt) in events)
        {
            var payload = buffer.AsSpan(position + RecordFrame.HeaderSize, 4 + evt.Length);
            BinaryPrimitives.WriteInt32LittleEndian(payload, segment);
            evt.Span.CopyTo(payload[4..]);
            RecordFrame.WriteHeader(buffer.AsSpan(position), payload);
            refs.Add(new TransactionEventRef(segment, _end + position + EventOverhead, evt.Length));
            position += EventOverhead + evt.Length;
        }
        try
        {
            RandomAccess.Write(_file, buffer, _end);
            if (_nameDurable)
            {
                RandomAccess.FlushToDisk(_file);
            }
            else
            {
                // Both must be durable before the ack; issued together, the file system commits them in one journal flush.
                await Task.WhenAll(
                    Task.Run(() => DurableFiles.SyncDirectory(System.IO.Path.GetDirectoryName(Path)!)),
                    Task.Run(() => RandomAccess.FlushToDisk(_file))).ConfigureAwait(false);
                _nameDurable = true;
            }
        }
        catch
        {
            try { RandomAccess.SetLength(_file, _end); } catch (IOException) { }
            throw;
        }
        _end += size;
        return refs;
    }

    public void ReadEvent(TransactionEventRef e, Span<byte> destination)
    {
        if (FrameScanner.ReadFully(_file, destination[..e.EventLength], e.EventOffset) < e.EventLength)
            throw new InvalidDataException($"{Path}: event at {e.EventOffset} is cut short");
    }

    /// <summary>Closes and removes the file.</summary>
    public void Delete()
    {
        _file.Dispose();
        File.Delete(Path);
    }

    public void Dispose() => _file.Dispose();
}
