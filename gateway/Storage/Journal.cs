using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// The stream's journal (<c>journal/{position:D20}.jnl</c>): one append-only log of transaction data, commit decisions
/// and aborts, so that one fsync makes a whole group of writes and commits durable. Positions are global (a file's name
/// is the position of its first byte); files roll at about <see cref="StoreOptions.JournalFileBytes"/> and are deleted from the oldest on, once
/// nothing in them is needed (<see cref="DeleteBefore"/>). Only one round of the stream's pipeline appends at a time; reads may come from any
/// thread.
/// </summary>
public sealed class Journal : IDisposable
{
    private const string Extension = ".jnl";

    /// <summary>Where <see cref="DeleteBefore"/> records, before it unlinks anything, the position the deleted files end at.</summary>
    internal const string DeletedBeforeFile = "deleted-before";

    /// <summary>One journal file: where it starts, and where its first frame starts (after its header, if it has one).</summary>
    private sealed record Part(long Start, string Path, SafeFileHandle Handle, JournalFileHeader.Kind Kind)
    {
        public long DataStart => Start + JournalFileHeader.Layout(Kind).DataStart;
    }

    private readonly string _directory;
    private readonly long _rollBytes;
    private readonly Lock _partsLock = new();
    private readonly List<Part> _parts;
    private long _end;
    private bool _directoryDirty;
    private long _deletedBefore; // durable in DeletedBeforeFile
    private long _pendingTorn = -1; // set by Open until FinishRepairs ran: the torn bytes still to cut

    private Journal(string directory, long rollBytes, List<Part> parts, long end, long deletedBefore)
    {
        _directory = directory;
        _rollBytes = rollBytes;
        _parts = parts;
        _end = end;
        _deletedBefore = deletedBefore;
    }

    /// <summary>Position after the last appended frame.</summary>
    public long End => _end;

    /// <summary>How many journal files are open (each holds one descriptor).</summary>
    public int FileCount
    {
        get { lock (_partsLock) return _parts.Count; }
    }

    /// <summary>
    /// Opens the journal and visits every intact frame with its global position. Files of either version are read
    /// (<see cref="JournalFileHeader"/>); appends always go to a file of the current version (a newest file of version 1
    /// is followed by a new one). A torn tail (an incomplete last write of the newest file with nothing intact after it:
    /// never acknowledged; in a version-2 file a frame header that fails its own check is damage, not a torn tail) is cut; anything else that does not read
    /// back is a <see cref="StorageDamageException"/> naming the file and offset, and nothing is changed: a bad frame
    /// followed by intact ones, a damaged older file, a missing file (before the first, between two, or all of them), or
    /// a journal that ends before <paramref name="expectedEnd"/> (the position <c>checkpoint.json</c> says was written).
    /// <paramref name="create"/> starts an empty journal when the directory holds none (a new stream, an upgrade);
    /// <paramref name="readOnly"/> (verify) changes nothing, not even a torn tail, and the journal cannot be appended to;
    /// <paramref name="deferRepairs"/> leaves the torn tail and the other repairs to <see cref="FinishRepairs"/>, which
    /// the caller runs once its own checks passed (nothing changes on a refused start-up).
    /// </summary>
    public static Journal Open(string directory, long rollBytes, long expectedEnd, bool create, Action<long, int, ReadOnlySpan<byte>> visit, out long tornBytes,
        bool readOnly = false, bool deferRepairs = false, bool startRequired = false)
    {
        if (!readOnly) Directory.CreateDirectory(directory);
        else if (!Directory.Exists(directory)) throw new StorageDamageException(directory, 0, "the journal directory is missing");
        var parts = new List<Part>();
        tornBytes = 0;
        var files = Directory.EnumerateFiles(directory, "*" + Extension).Select(p => (Start: StartOf(p), Path: p)).OrderBy(f => f.Start).ToList();
        var deletedBeforeFile = Path.Combine(directory, DeletedBeforeFile);
        if (startRequired && !File.Exists(deletedBeforeFile))
            throw new StorageDamageException(deletedBeforeFile, 0,
                "the file is missing, but stream.json records a file set in which it exists from the stream's creation on (it records where the journal begins): " +
                "whether journal files were removed at its start cannot be decided. Nothing was changed; restore it (or run gateway salvage)");
        var deletedBefore = ReadDeletedBefore(directory);
        DropLeftoversOfDeletion(files, deletedBefore);
        if (files.Count == 0)
        {
            if (!create)
                throw new StorageDamageException(directory, Math.Max(deletedBefore, expectedEnd),
                    $"the journal directory holds no journal file (the checkpoint needs the journal up to {expectedEnd}, the gateway deleted it only before {deletedBefore}); nothing was deleted");
            var fresh = new Journal(directory, rollBytes, parts, 0, 0);
            fresh._end = fresh.AddPart(0).DataStart;
            fresh.Sync();
            // From the start the journal records where it begins: any later gap at its start is decidable.
            DurableFiles.WriteAtomically(deletedBeforeFile, "0");
            return fresh;
        }
        // The gateway deletes from the oldest on and records where first: the oldest file starts exactly there. A journal
        // created since deleted-before is written at creation ("0") has it from the start; one written before may start
        // anywhere up to its checkpoint (it gets the file below once it is seen to start at 0).
        var firstStart = files[0].Start;
        if (File.Exists(deletedBeforeFile) ? firstStart > deletedBefore : firstStart > expectedEnd)
            throw new StorageDamageException(files[0].Path, 0,
                $"journal bytes {deletedBefore}..{firstStart} are missing: the gateway deleted this journal only before {deletedBefore}, so older journal files were removed outside it. Nothing was deleted; restore them to start");
        long end = firstStart;
        try
        {
            for (var i = 0; i < files.Count; i++)
            {
                var (start, path) = files[i];
                if (start != end)
                    throw new StorageDamageException(path, 0,
                        $"journal bytes {end}..{start} of {directory} are missing: no file holds them ({path} starts at {start}, the file before it ends at {end}), " +
                        $"and the gateway deleted this journal only up to {deletedBefore}, so a journal file was removed outside it. Nothing was deleted; restore the missing file to start");
                var handle = File.OpenHandle(path, FileMode.Open, readOnly ? FileAccess.Read : FileAccess.ReadWrite, readOnly ? FileShare.ReadWrite : FileShare.Read);
                var newest = i == files.Count - 1;
                JournalFileHeader.Kind kind;
                try
                {
                    kind = JournalFileHeader.Read(handle, path);
                }
                catch
                {
                    handle.Dispose();
                    throw;
                }
                parts.Add(new Part(start, path, handle, kind));
                if (kind == JournalFileHeader.Kind.Unwritten)
                {
                    // Created just before a crash, nothing in it acknowledged: the header is written again below.
                    if (!newest) throw new StorageDamageException(path, 0, "the journal file has no header (it reads as never written), but a newer journal file follows it");
                    tornBytes = RandomAccess.GetLength(handle);
                    if (end < expectedEnd)
                        throw new StorageDamageException(path, 0,
                            $"the journal ends at position {end}, but checkpoint.json records that it was written up to {expectedEnd}: the file was cut or newer journal files are missing");
                    continue;
                }
                var (format, dataStart) = JournalFileHeader.Layout(kind);
                var validEnd = FrameScanner.ScanStrict(handle, path, (offset, size, payload) =>
                {
                    try
                    {
                        visit(start + offset, size, payload);
                    }
                    catch (Exception e) when (e is InvalidDataException or EndOfStreamException or ArgumentException && e is not StorageDamageException)
                    {
                        // An intact frame (its CRC holds) that is not one the gateway writes.
                        throw new StorageDamageException(path, offset, e.Message);
                    }
                }, tailMayBeTorn: newest, out var torn, format, dataStart);
                end = start + validEnd;
                if (newest && end < expectedEnd)
                    throw new StorageDamageException(path, validEnd,
                        $"the journal ends at position {end}{(torn > 0 ? $" (then {torn} byte(s) that do not read back)" : "")}, but checkpoint.json records that it was written up to {expectedEnd}: the file was cut or newer journal files are missing");
                tornBytes = torn;
            }
        }
        catch
        {
            foreach (var part in parts) part.Handle.Dispose();
            throw;
        }
        var journal = new Journal(directory, rollBytes, parts, end, deletedBefore);
        if (readOnly) return journal;
        journal._pendingTorn = tornBytes;
        if (!deferRepairs) journal.FinishRepairs();
        return journal;
    }

    /// <summary>Appends frames (no fsync; see <see cref="Sync"/>) and returns the position of their first byte.</summary>
    public long Append(ReadOnlySpan<byte> frames)
    {
        var active = Active;
        if (_end > active.DataStart && _end - active.Start + frames.Length > _rollBytes)
        {
            RandomAccess.FlushToDisk(active.Handle); // everything before the new file is durable before it exists
            active = AddPart(_end);
            _end = active.DataStart;
        }
        var position = _end;
        try
        {
            RandomAccess.Write(active.Handle, frames, position - active.Start);
        }
        catch
        {
            // Leave no half-frame for the next append to follow (recovery would stop reading at it).
            try { RandomAccess.SetLength(active.Handle, position - active.Start); } catch (IOException) { }
            throw;
        }
        _end += frames.Length;
        return position;
    }

    /// <summary>
    /// Takes back everything appended after <paramref name="position"/> (a round that failed before its fsync, e.g. on a
    /// full disk: none of it was acknowledged). Files the round started are removed.
    /// </summary>
    public void Rollback(long position)
    {
        var dropped = new List<Part>();
        lock (_partsLock)
            while (_parts.Count > 1 && _parts[^1].Start >= position)
            {
                dropped.Add(_parts[^1]);
                _parts.RemoveAt(_parts.Count - 1);
            }
        foreach (var part in dropped)
        {
            part.Handle.Dispose();
            File.Delete(part.Path);
            _directoryDirty = true;
        }
        var active = Active;
        RandomAccess.SetLength(active.Handle, position - active.Start);
        _end = position;
    }

    /// <summary>fsync: every frame appended so far is durable when this returns (the group commit point).</summary>
    public void Sync()
    {
        DurableFiles.SyncData(Active.Handle);
        if (!_directoryDirty) return;
        DurableFiles.SyncDirectory(_directory);
        _directoryDirty = false;
    }

    /// <summary>
    /// Reads <paramref name="destination"/>.Length bytes at <paramref name="position"/>. A frame never spans two files,
    /// but a run of back-to-back frames may (a transaction's writes on either side of a roll): each file gives its part.
    /// </summary>
    public void Read(long position, Span<byte> destination)
    {
        var total = destination.Length;
        var at = position;
        while (!destination.IsEmpty)
        {
            Part part;
            long partEnd;
            lock (_partsLock)
            {
                var i = _parts.Count - 1;
                while (i > 0 && _parts[i].Start > at) i--;
                part = _parts[i];
                partEnd = i + 1 < _parts.Count ? _parts[i + 1].Start : long.MaxValue;
            }
            var length = (int)Math.Min(destination.Length, partEnd - at);
            if (at < part.Start || FrameScanner.ReadFully(part.Handle, destination[..length], at - part.Start) < length)
                throw new InvalidDataException($"journal bytes {position}..{position + total} are not on disk");
            at += length;
            destination = destination[length..];
        }
    }

    /// <summary>
    /// Deletes the oldest files that end at or before <paramref name="position"/> (never the active one); returns how many.
    /// Where they end is made durable first, so that start-up can tell a leftover of this deletion from a missing file.
    /// </summary>
    public int DeleteBefore(long position)
    {
        var deleted = new List<Part>();
        long deletedEnd;
        lock (_partsLock)
        {
            var count = 0;
            while (count + 1 < _parts.Count && _parts[count + 1].Start <= position) count++;
            if (count == 0) return 0;
            deletedEnd = _parts[count].Start;
        }
        if (deletedEnd > _deletedBefore)
        {
            DurableFiles.WriteAtomically(Path.Combine(_directory, DeletedBeforeFile), deletedEnd.ToString(CultureInfo.InvariantCulture));
            _deletedBefore = deletedEnd;
        }
        lock (_partsLock)
        {
            while (_parts.Count > 1 && _parts[1].Start <= deletedEnd)
            {
                deleted.Add(_parts[0]);
                _parts.RemoveAt(0);
            }
        }
        foreach (var part in deleted)
        {
            part.Handle.Dispose();
            File.Delete(part.Path);
        }
        return deleted.Count;
    }

    public void Dispose()
    {
        lock (_partsLock)
            foreach (var part in _parts) part.Handle.Dispose();
    }

    private Part Active
    {
        get { lock (_partsLock) return _parts[^1]; }
    }

    private Part AddPart(long start)
    {
        var path = Path.Combine(_directory, start.ToString("D20", CultureInfo.InvariantCulture) + Extension);
        var part = new Part(start, path, File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read), JournalFileHeader.Kind.Current);
        lock (_partsLock) _parts.Add(part);
        try
        {
            WriteHeader(part.Handle);
        }
        catch
        {
            // Not left half-made: the round that rolled fails, and the next append rolls again.
            lock (_partsLock) _parts.Remove(part);
            part.Handle.Dispose();
            try { File.Delete(path); } catch (IOException) { }
            throw;
        }
        _directoryDirty = true; // the new name is made durable by the next Sync, before anything in it is acknowledged
        return part;
    }

    private static void WriteHeader(SafeFileHandle handle)
    {
        Span<byte> header = stackalloc byte[JournalFileHeader.Size];
        JournalFileHeader.Write(header);
        RandomAccess.Write(handle, header, 0);
    }

    /// <summary>
    /// Unlinks may reach the disk in any order, or not at all before a crash: files that end at or before the recorded
    /// deletion point (<see cref="DeleteBefore"/>) are leftovers and go now (never the newest, which holds the end
    /// position). Any other gap is a missing file, which <see cref="Open"/> refuses.
    /// </summary>
    private static void DropLeftoversOfDeletion(List<(long Start, string Path)> files, long deletedBefore)
    {
        while (files.Count > 1 && files[0].Start + new FileInfo(files[0].Path).Length <= deletedBefore)
        {
            File.Delete(files[0].Path);
            files.RemoveAt(0);
        }
    }

    /// <summary>
    /// The changes opening implies, made once the caller's own checks passed (<c>deferRepairs</c> of <see cref="Open"/>):
    /// the torn tail is cut, a newest file without a header (or of version 1 with nothing in it) starts again as a
    /// file of the current version, a newest version-1 file is followed by a new one, and a journal without
    /// <c>deleted-before</c> records where it begins there. Until then nothing on disk was changed.
    /// </summary>
    internal void FinishRepairs()
    {
        if (_pendingTorn < 0) return;
        var tornBytes = _pendingTorn;
        _pendingTorn = -1;
        // A journal opened without the record (written before it existed) records where it begins now that it passed
        // every check: from here on a file missing at its start is decidable.
        if (!File.Exists(Path.Combine(_directory, DeletedBeforeFile)))
            DurableFiles.WriteAtomically(Path.Combine(_directory, DeletedBeforeFile), _parts[0].Start.ToString(CultureInfo.InvariantCulture));
        var active = _parts[^1];
        if (active.Kind == JournalFileHeader.Kind.Unwritten || (active.Kind == JournalFileHeader.Kind.Legacy && _end == active.Start))
        {
            // Nothing of the newest file counts: it starts again as a file of the current version.
            RandomAccess.SetLength(active.Handle, 0);
            _parts[^1] = active = active with { Kind = JournalFileHeader.Kind.Current };
            WriteHeader(active.Handle);
            RandomAccess.FlushToDisk(active.Handle);
            _end = active.DataStart;
        }
        else
        {
            if (tornBytes > 0)
            {
                RandomAccess.SetLength(active.Handle, _end - active.Start);
                RandomAccess.FlushToDisk(active.Handle);
            }
            if (active.Kind == JournalFileHeader.Kind.Legacy)
            {
                // An older journal: its files stay readable as they are, new frames go to a file of the current version.
                _end = AddPart(_end).DataStart;
                Sync();
            }
        }
    }

    /// <summary>The position <c>journal/deleted-before</c> records (0 when the file is absent); garbage in it is a <see cref="StorageDamageException"/>.</summary>
    internal static long ReadDeletedBefore(string directory)
    {
        var path = Path.Combine(directory, DeletedBeforeFile);
        if (!File.Exists(path)) return 0;
        var text = MetadataFile.ReadText(path).Trim();
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var position)
            ? position
            : throw new StorageDamageException(path, 0, $"it does not hold a journal position ('{(text.Length > 40 ? text[..40] + "…" : text)}')");
    }

    private static long StartOf(string path) =>
        long.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            ? start
            : throw new StorageDamageException(path, 0, "it is not a journal file name (20 digits: the position of its first byte)");
}
