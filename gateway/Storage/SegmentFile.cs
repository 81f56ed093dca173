using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// One segment's append-only file. Only the stream's commit pipeline writes it (positional writes at the offsets the
/// commit log recorded); readers see bytes up to <see cref="End"/>, which the pipeline publishes after a commit is
/// durable and its data written. Positional reads and writes on one handle are thread-safe.
/// </summary>
public sealed class SegmentFile : IDisposable
{
    private readonly SegmentHandles _handles;
    private readonly Lock _sync = new();
    private SafeFileHandle? _file; // opened on first use, closed when idle and the gateway holds too many (SegmentHandles)
    private int _users;
    private long _end;
    private int _dirty;

    private SegmentFile(int id, string path, SegmentHandles handles, long end)
    {
        Id = id;
        Path = path;
        _handles = handles;
        _end = end;
    }

    public int Id { get; }
    public string Path { get; }

    /// <summary>Offset just after the last committed, readable event.</summary>
    public long End => Volatile.Read(ref _end);

    /// <summary>Length of the file on disk.</summary>
    public long FileLength
    {
        get
        {
            using var use = Use();
            return RandomAccess.GetLength(use.Handle);
        }
    }

    /// <summary>Environment.TickCount64 of the last use (for closing the least recently used idle files).</summary>
    internal long LastUse { get; private set; }

    /// <summary>Opens segment <paramref name="id"/>'s file; a missing one is damage when <paramref name="mustExist"/>.</summary>
    public static SegmentFile Open(int id, string path, bool mustExist = false, SegmentHandles? handles = null)
    {
        try
        {
            using var file = File.OpenHandle(path, mustExist ? FileMode.Open : FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
            return new SegmentFile(id, path, handles ?? new SegmentHandles(int.MaxValue), RandomAccess.GetLength(file));
        }
        catch (FileNotFoundException)
        {
            throw new StorageDamageException(path, 0, $"segment {id}'s file is missing (every segment file is created with its stream)");
        }
        catch (IOException e) when (handles is not null && TooManyOpenFilesException.Is(e))
        {
            throw new TooManyOpenFilesException(path, handles.Open, handles.Capacity, e);
        }
    }

    /// <summary>The open handle for one operation; the file stays open until the use is disposed.</summary>
    internal readonly struct HandleUse(SegmentFile owner, SafeFileHandle handle) : IDisposable
    {
        public SafeFileHandle Handle { get; } = handle;

        public void Dispose() => owner.Release();
    }

    internal HandleUse Use()
    {
        SafeFileHandle handle;
        var opened = false;
        lock (_sync)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_file is null)
            {
                try
                {
                    _file = File.OpenHandle(Path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
                }
                catch (IOException e) when (TooManyOpenFilesException.Is(e))
                {
                    throw new TooManyOpenFilesException(Path, _handles.Open, _handles.Capacity, e);
                }
                opened = true;
            }
            _users++;
            LastUse = Environment.TickCount64;
            handle = _file;
        }
        if (opened) _handles.Opened(this);
        return new HandleUse(this, handle);
    }

    private void Release()
    {
        lock (_sync) _users--;
    }

    /// <summary>Closes the file when nothing uses it (fsynced first if written since the last checkpoint); false when busy.</summary>
    internal bool TryCloseIdle()
    {
        lock (_sync)
        {
            if (_users > 0 || _file is null) return _file is null;
            if (Volatile.Read(ref _dirty) == 1) RandomAccess.FlushToDisk(_file); // stays dirty: the checkpoint fsyncs again, cheaply
            _file.Dispose();
            _file = null;
            return true;
        }
    }

    private bool _disposed;

    /// <summary>Cuts the file to <paramref name="length"/> (recovery: drops what the last checkpoint does not cover).</summary>
    internal void Truncate(long length)
    {
        using (var use = Use()) RandomAccess.SetLength(use.Handle, length);
        Volatile.Write(ref _end, length);
    }

    internal void Write(long offset, ReadOnlySpan<byte> data)
    {
        using (var use = Use()) RandomAccess.Write(use.Handle, data, offset);
        Volatile.Write(ref _dirty, 1);
    }

    /// <summary>Reserves disk space up to <paramref name="end"/> before a commit is decided, so its merge cannot hit a full disk.</summary>
    internal void Reserve(long from, long end)
    {
        using var use = Use();
        DurableFiles.Reserve(use.Handle, from, end - from);
    }

    /// <summary>Gives the space before <paramref name="head"/> back to the file system (see <see cref="SpaceReclaimer"/>).</summary>
    internal void ReleaseBefore(long head)
    {
        using var use = Use();
        SpaceReclaimer.ReleaseBefore(use.Handle, head);
    }

    internal void Publish(long end) => Volatile.Write(ref _end, end);

    /// <summary>fsync when something was written since the last call.</summary>
    internal void FlushIfDirty()
    {
        if (Interlocked.Exchange(ref _dirty, 0) == 0) return;
        using var use = Use();
        RandomAccess.FlushToDisk(use.Handle);
    }

    /// <summary>Reads the header of the record at <paramref name="offset"/>: its frame size and commit time.</summary>
    public (int FrameSize, long TimestampMs) ReadHeader(long offset)
    {
        Span<byte> header = stackalloc byte[SegmentRecord.Overhead];
        using (var use = Use())
            if (FrameScanner.ReadFully(use.Handle, header, offset) < header.Length) throw NotARecord(offset);
        var payload = RecordFrame.PayloadLength(header);
        if (payload < SegmentRecord.TimestampSize) throw NotARecord(offset);
        return (RecordFrame.Size(payload), BinaryPrimitives.ReadInt64LittleEndian(header[RecordFrame.HeaderSize..]));
    }

    /// <summary>
    /// Reads and verifies one record (FetchEvent). A record whose header announces <paramref name="frameSize"/> but whose
    /// CRC fails is damage (DATA_LOSS naming file and offset); a header that does not match is a pointer from elsewhere.
    /// </summary>
    public SegmentRecord ReadRecord(long offset, int frameSize, bool offsetIsBoundary = false)
    {
        // Bounded before anything is allocated: a size from a header (which has no check of its own) may be anything.
        if (frameSize is < SegmentRecord.Overhead or > SegmentRecord.LargestFrameSize)
            throw offsetIsBoundary ? Damaged(offset) : NotARecord(offset);
        var frame = new byte[frameSize];
        int read;
        using (var use = Use()) read = FrameScanner.ReadFully(use.Handle, frame, offset);
        if (read < frameSize) throw offsetIsBoundary ? Damaged(offset) : WrongLength(offset, frameSize) ?? NotARecord(offset);
        if (!RecordFrame.IsValid(frame))
            throw offsetIsBoundary || RecordFrame.PayloadLength(frame) == frameSize - RecordFrame.HeaderSize ? Damaged(offset)
                : WrongLength(offset, frameSize) ?? NotARecord(offset);
        return Decode(frame, offset);
    }

    /// <summary>
    /// When an intact event starts at <paramref name="offset"/> but its length is not <paramref name="frameSize"/>, the
    /// error saying so (an event pointer whose offset is right and whose length is not); otherwise null.
    /// </summary>
    public StoreException? WrongLength(long offset, int frameSize)
    {
        var actual = IntactFrameSizeAt(offset);
        return actual < 0 || actual == frameSize ? null : new StoreException(StoreError.InvalidArgument,
            $"the event pointer's length {frameSize} does not match the event's length {actual} at offset {offset} of segment {Id} (the offset is the start of an event; only the length differs)");
    }

    /// <summary>
    /// The frame size of the intact event that starts at <paramref name="offset"/> and ends by <see cref="End"/>, or -1
    /// (<see cref="FrameScanner.IntactFrameSizeAt"/>: checked a block at a time; a header announcing more than
    /// <see cref="SegmentRecord.LargestFrameSize"/> is refused unread, so a hostile pointer costs at most one largest
    /// event's read).
    /// </summary>
    private int IntactFrameSizeAt(long offset)
    {
        using var use = Use();
        var size = FrameScanner.IntactFrameSizeAt(use.Handle, offset, End, FrameFormat.Record, SegmentRecord.LargestFrameSize);
        return size - RecordFrame.HeaderSize >= SegmentRecord.TimestampSize ? size : -1;
    }

    /// <summary>
    /// Reads whole records from <paramref name="from"/> up to <paramref name="limit"/>, about <paramref name="maxBytes"/>
    /// at a time (at least one record), into <paramref name="into"/>; returns the offset after the last one read. The
    /// records before a damaged one are returned; the damaged one (at a known record boundary: after a record, or at
    /// <paramref name="from"/> when <paramref name="fromIsBoundary"/>) is DATA_LOSS naming the file and offset.
    /// </summary>
    public long ReadRecords(long from, long limit, int maxBytes, List<SegmentRecord> into, bool fromIsBoundary = false) =>
        from >= limit ? from : ReadRecords(from, limit, new byte[(int)Math.Min(maxBytes, limit - from)], into, fromIsBoundary);

    /// <summary>
    /// As <see cref="ReadRecords(long, long, int, List{SegmentRecord}, bool)"/>, reading into <paramref name="buffer"/>
    /// (e.g. one pooled buffer a reader reuses; its length is the block size): the records' events are slices of it,
    /// valid until the caller reads into it again. A record larger than the buffer gets its own array.
    /// </summary>
    public long ReadRecords(long from, long limit, Memory<byte> buffer, List<SegmentRecord> into, bool fromIsBoundary = false)
    {
        if (from >= limit) return from;
        var block = buffer[..(int)Math.Min(buffer.Length, limit - from)];
        int read;
        var span = block.Span;
        using (var use = Use()) read = FrameScanner.ReadFully(use.Handle, span, from);
        var position = 0;
        while (position + RecordFrame.HeaderSize <= read)
        {
            var payload = RecordFrame.PayloadLength(span[position..]);
            var size = payload < SegmentRecord.TimestampSize ? -1 : RecordFrame.Size(payload);
            if (size < 0 || from + position + size > limit || (position + size <= read && !RecordFrame.IsValid(span.Slice(position, size))))
            {
                if (position > 0) break; // serve what is intact; the next call starts at the bad record and reports it
                throw fromIsBoundary || (size > 0 && from + size <= limit) ? Damaged(from) : NotARecord(from);
            }
            if (position + size > read)
            {
                if (position > 0) break; // the next call starts at this record
                into.Add(ReadRecord(from, size, fromIsBoundary)); // a record larger than the block
                return from + size;
            }
            into.Add(Decode(block.Slice(position, size), from + position));
            position += size;
        }
        if (position == 0 && read > 0) throw fromIsBoundary ? Damaged(from) : NotARecord(from);
        return from + position;
    }

    private SegmentRecord Decode(ReadOnlyMemory<byte> frame, long offset) =>
        new(Id, offset, frame.Length,
            BinaryPrimitives.ReadInt64LittleEndian(frame.Span[RecordFrame.HeaderSize..]),
            frame[SegmentRecord.Overhead..]);

    private StoreException NotARecord(long offset) =>
        new(StoreError.InvalidArgument, $"offset {offset} of segment {Id} is not the start of an event (a stream cut or event pointer from elsewhere?)");

    private StoreException Damaged(long offset) =>
        new(StoreError.DataLoss, $"segment file {Path} is damaged at byte {offset}: the event there does not read back (events before it are intact; run gateway verify)");

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        lock (_sync)
        {
            _disposed = true;
            _file?.Dispose();
            _file = null;
        }
        _handles.Closed(this);
    }
}
