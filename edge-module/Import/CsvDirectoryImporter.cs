using System.Text;
using Microsoft.Extensions.Logging;
using SensorStream.EdgeModule.Queue;
using SensorStream.EdgeModule.Transactions;

namespace SensorStream.EdgeModule.Import;

/// <summary>
/// <c>csv:&lt;directory&gt;</c>: imports every <c>*.csv</c> file (any case) of the directory and its subdirectories exactly
/// once, in name order (ordinal, by path relative to the directory; <c>completed/</c>, <c>quarantine/</c> and folders
/// starting with <c>.</c> are skipped). A file is taken when complete (<see cref="CsvReadiness"/>). Its identity is its
/// relative name plus the hash of its bytes (<see cref="CsvFileIdentity"/>). It is imported in parts: each part's
/// events and the file's resume offset (<see cref="CsvFileProgress"/>) are queued in ONE SQL transaction, sized to the
/// queue's free space (at most <see cref="PartBytes"/>), so a file of any size flows as the queue drains, memory does
/// not depend on its size, and a restart resumes after the last durable part. A read file moves to
/// <c>completed/</c>; bad rows go to <c>quarantine/&lt;name&gt;.&lt;hash8&gt;.rejected.csv</c> (line, reason, row). A file that
/// cannot be imported (encoding, header) or that changed after it was taken is set aside once in <c>quarantine/</c> with
/// the reason in that report, and the next file is taken.
/// </summary>
public sealed class CsvDirectoryImporter
{
    /// <summary>Bound on the (estimated) event bytes of one part.</summary>
    public const long PartBytes = 4 << 20;

    /// <summary>Bound on the records of one part (bounds the memory of a part of bad or blank rows).</summary>
    public const long PartRecords = 100_000;

    private readonly string _directory;
    private readonly EventQueue _queue;
    private readonly int _batchSize;
    private readonly TimeSpan _stableTime;
    private readonly CsvDialect _dialect;
    private readonly ILogger _log;
    private readonly ICoordinatorFaults _faults;
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;
    private readonly Dictionary<string, DateTime> _lastSeenWriting = new(StringComparer.Ordinal);
    private long _nextSequence;
    private CsvFileImport? _current;
    private readonly QueueRoomWait _wait;

    /// <summary>An importer for <paramref name="directory"/>; <paramref name="dialect"/> defaults to <see cref="CsvDialect.Default"/>.</summary>
    /// <param name="faults">Test seam: <see cref="CoordinatorStep.AfterCsvPart"/> is reported after each part is queued
    /// (<c>SENSORSTREAM_CRASH_AT=after-csv-part[:n]</c> kills the process there).</param>
    /// <param name="clock">The clock the stable time is measured on (tests pass a manual one); the system clock by default.</param>
    public CsvDirectoryImporter(string directory, EventQueue queue, int batchSize, TimeSpan stableTime, ILogger log, CsvDialect? dialect = null,
        ICoordinatorFaults? faults = null, TimeProvider? clock = null)
    {
        _clock = clock ?? TimeProvider.System;
        _faults = faults ?? NoFaults.Instance;
        _directory = Path.GetFullPath(directory);
        _queue = queue;
        _batchSize = batchSize;
        _stableTime = stableTime;
        _dialect = dialect ?? CsvDialect.Default;
        _log = log;
        _wait = new QueueRoomWait(log, _clock, Math.Min(PartBytes, queue.Options.MaxBytes / 2));
        SensorId = SensorIdFor(directory);
        _nextSequence = queue.NextSequences().GetValueOrDefault(SensorId);
    }

    /// <summary><c>csv-&lt;directory name&gt;</c>.</summary>
    public static string SensorIdFor(string directory) =>
        "csv-" + Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));

    public string SensorId { get; }

    /// <summary>Files read to their end (this run).</summary>
    public long FilesImported { get; private set; }

    /// <summary>Files set aside in <c>quarantine/</c> with a reason (this run).</summary>
    public long FilesSetAside { get; private set; }

    public long RowsQuarantined { get; private set; }

    public string CompletedDirectory => Path.Combine(_directory, "completed");

    public string QuarantineDirectory => Path.Combine(_directory, "quarantine");

    /// <summary>Scans every <paramref name="pollInterval"/> until cancelled; IO and SQLite trouble pause the import, never end it.</summary>
    public async Task RunAsync(TimeSpan pollInterval, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(pollInterval);
        try
        {
            do
            {
                try
                {
                    ScanOnce();
                }
                // A full disk (SQLITE_FULL) or a busy queue must pause the import, never end it: the file stays in place
                // and its import goes on at the next scan.
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
                {
                    _log.LogWarning("CSV import from {Directory} failed, retrying: {Error}", _directory, e.Message);
                }
            } while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
        }
        finally
        {
            _current?.Dispose();
            _current = null;
        }
    }

    /// <summary>
    /// Goes on with the file being imported, then takes every complete file in name order, as far as the queue has room;
    /// returns how many files were read to their end.
    /// </summary>
    public int ScanOnce()
    {
        if (!Directory.Exists(_directory)) return 0;
        var imported = 0;
        if (_current is not null && !Advance(ref imported)) return imported;
        // Quiet means: not open for writing now, and neither changed nor seen open for writing during the stable time —
        // a writer that closes and reopens the file to append (a logger rotating its handle) must not lose the rows it
        // appends after we took the file.
        var now = _clock.GetUtcNow().UtcDateTime;
        var candidates = Candidates().ToList();
        var writing = CsvReadiness.OpenForWriting(candidates);
        foreach (var path in writing) _lastSeenWriting[path] = now;
        var present = candidates.ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _lastSeenWriting.Keys.Where(p => !present.Contains(p)).ToList()) _lastSeenWriting.Remove(gone);
        foreach (var path in candidates)
        {
            if (writing.Contains(path))
            {
                if (_reported.Add("open:" + path)) _log.LogInformation("{File} is open for writing: waiting until its writer closes it", path);
                continue;
            }
            var changed = File.GetLastWriteTimeUtc(path);
            var lastBusy = _lastSeenWriting.TryGetValue(path, out var seen) && seen > changed ? seen : changed;
            if (now - lastBusy < _stableTime) continue;
            if (!Take(path)) continue;
            if (!Advance(ref imported)) return imported;
        }
        return imported;
    }

    /// <summary>The <c>*.csv</c> files under the directory, ordered by relative path.</summary>
    private IEnumerable<string> Candidates()
    {
        var options = new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = true, AttributesToSkip = 0 };
        var found = new List<string>();
        var folders = new Stack<string>([_directory]);
        while (folders.TryPop(out var folder))
        {
            found.AddRange(Directory.EnumerateFiles(folder, "*", options).Where(f => CsvReadiness.IsCsvName(Path.GetFileName(f))));
            foreach (var sub in Directory.EnumerateDirectories(folder, "*", options))
            {
                var name = Path.GetFileName(sub);
                if (name.StartsWith('.') || (folder == _directory && name is "completed" or "quarantine")) continue;
                folders.Push(sub);
            }
        }
        return found.OrderBy(RelativeName, StringComparer.Ordinal);
    }

    private string RelativeName(string path) => Path.GetRelativePath(_directory, path).Replace(Path.DirectorySeparatorChar, '/');

    /// <summary>Identifies the file and opens it as <see cref="_current"/>; false when there is nothing to import.</summary>
    private bool Take(string path)
    {
        var name = RelativeName(path);
        CsvFileIdentity identity;
        FileInfo before;
        try
        {
            before = new FileInfo(path);
            identity = CsvFileIdentity.Read(path, _dialect.Encoding);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (_reported.Add("unreadable:" + path)) _log.LogWarning("{File} cannot be read, skipped until it can: {Error}", path, e.Message);
            return false;
        }
        var after = new FileInfo(path);
        if (!after.Exists || after.Length != identity.Length || after.LastWriteTimeUtc != before.LastWriteTimeUtc) return false; // changing: next scan
        var progress = _queue.CsvFile(name, identity.ContentHash);
        if (progress?.Outcome == CsvFileProgress.Imported)
        {
            var target = MoveInto(CompletedDirectory, path, name);
            _log.LogWarning("{File} was already imported (same name and content): moved to {Target} without importing it again", path, target);
            return false;
        }
        progress ??= new CsvFileProgress(name, identity.ContentHash, identity.Length, 0, 0, 0, 0, null);
        if (progress.Outcome is { } earlier)
        {
            MoveInto(QuarantineDirectory, path, name); // set aside before a restart, not yet moved
            _log.LogWarning("{File} was set aside earlier: {Reason}", path, earlier);
            return false;
        }
        if (identity.EncodingProblem is { } encoding)
        {
            SetAside(path, progress, 0, encoding, "");
            return false;
        }
        if (identity.BomOverrides && _reported.Add("bom:" + path))
            _log.LogInformation("{File} starts with a UTF-8 byte-order mark: read as UTF-8 (--csv-encoding is {Encoding})", path, _dialect.EncodingName);
        var reader = CsvFileReader.Open(path, identity.Length, _dialect, SensorId, identity.Encoding);
        try
        {
            if (reader.HeaderProblem is { } header)
            {
                reader.Dispose();
                SetAside(path, progress, 1, header + ": the whole file is set aside", reader.HeaderText);
                return false;
            }
            if (!reader.Skip(progress.NextRecord))
            {
                reader.Dispose();
                SetAside(path, progress, 0, $"has fewer than the {progress.NextRecord} records already imported: it changed", "");
                return false;
            }
        }
        catch
        {
            reader.Dispose();
            throw;
        }
        _current = new CsvFileImport(path, identity, after.LastWriteTimeUtc, reader, progress, ReportPath(name, identity.ContentHash));
        _current.CutReport();
        if (progress.NextRecord > 0)
            _log.LogInformation("{File}: resuming after record {Record} ({Rows} rows already queued)", path, progress.NextRecord, progress.Rows);
        return true;
    }

    /// <summary>Queues parts of <see cref="_current"/> while the queue has room; false when it must wait for room.</summary>
    private bool Advance(ref int imported)
    {
        var c = _current!;
        while (true)
        {
            if (c.ChangedOnDisk() is { } change)
            {
                Abandon(c, change);
                return true;
            }
            if (c.Pending is null)
            {
                var header = c.Reader.Header;
                var budget = Math.Min(_queue.FreeBytes, PartBytes);
                if (header is not null && budget < header.FixedBytes + header.RowBytes)
                {
                    _wait.Waiting(c.Path, budget, header.FixedBytes + header.RowBytes, _queue.Options);
                    return false;
                }
                try
                {
                    c.Pending = header is null ? new CsvPart([], 0, 0, [], true)
                        : c.TakeAhead() ?? c.Reader.ReadPart(_nextSequence, budget, _batchSize, PartRecords);
                }
                catch (DecoderFallbackException e)
                {
                    Abandon(c, $"changed after it was taken: {e.Message}");
                    return true;
                }
            }
            var part = c.Pending;
            c.ReadAhead(part.NextSequence(_nextSequence), Math.Min(_queue.FreeBytes - part.EstimatedBytes, PartBytes), _batchSize, PartRecords);
            var outcome = part.End ? (c.ReadWhole() ? CsvFileProgress.Imported : null) : null;
            if (part.End && outcome is null)
            {
                Abandon(c, $"changed after it was taken: the {c.Reader.ConsumedBytes} bytes read do not hash as the {c.Identity.Length} bytes taken");
                return true;
            }
            var reportBytes = c.AppendReport(part.Rejected);
            var progress = c.Progress with
            {
                NextRecord = c.Progress.NextRecord + part.Records,
                Rows = c.Progress.Rows + part.Rows,
                BadRows = c.Progress.BadRows + part.Rejected.Count,
                ReportBytes = reportBytes,
                Outcome = outcome,
            };
            if (_queue.EnqueueFile(part.Events, progress) == EnqueueOutcome.Rejected)
            {
                c.CutReport();
                return false; // the same part is offered again at the next scan
            }
            if (part.Events.Count > 0) _nextSequence = part.Events[^1].NextSequence;
            c.Progress = progress;
            c.Pending = null;
            _wait.Queued(c.Path, _queue.FreeBytes, part.End);
            _faults.At(CoordinatorStep.AfterCsvPart);
            RowsQuarantined += part.Rejected.Count;
            if (part.Rejected.Count > 0)
                _log.LogWarning("{File}: {Count} rows quarantined in {Report} (first: line {Line}, {Reason})",
                    c.Path, part.Rejected.Count, c.ReportPath, part.Rejected[0].Line, part.Rejected[0].Reason);
            if (!part.End) continue;
            c.Dispose();
            _current = null;
            var target = MoveInto(CompletedDirectory, c.Path, progress.Name);
            FilesImported++;
            imported++;
            _log.LogInformation("Imported {File}: {Rows} rows queued, {Bad} rows quarantined; moved to {Target}", c.Path, progress.Rows, progress.BadRows, target);
            return true;
        }
    }

    /// <summary>Sets aside the file being imported: the parts queued so far stay queued, the rest is not imported.</summary>
    private void Abandon(CsvFileImport c, string reason)
    {
        c.Dispose();
        _current = null;
        SetAside(c.Path, c.Progress, 0, $"{reason}; rows of the first {c.Progress.NextRecord} records were imported ({c.Progress.Rows} rows), the rest was not", "");
    }

    /// <summary>Records the file as set aside with <paramref name="reason"/> (once: by content), adds the reason to its report, moves it to <c>quarantine/</c>.</summary>
    private void SetAside(string path, CsvFileProgress progress, long line, string reason, string text)
    {
        var report = ReportPath(progress.Name, progress.ContentHash);
        var bytes = CsvFileImport.AppendReport(report, progress.ReportBytes, [new RejectedRow(line, reason, text)]);
        _queue.RecordCsvFile(progress with { ReportBytes = bytes, Outcome = reason });
        var target = MoveInto(QuarantineDirectory, path, progress.Name);
        FilesSetAside++;
        _log.LogWarning("{File} {Reason}; set aside as {Target} (report {Report})", path, reason, target, report);
    }

    private string ReportPath(string name, string hash) => Path.Combine(QuarantineDirectory, $"{name}.{hash[..8]}.rejected.csv");

    /// <summary>Moves the file to <paramref name="folder"/>/<paramref name="name"/>, or <c>name.N.ext</c> when that is taken; returns where.</summary>
    private static string MoveInto(string folder, string path, string name)
    {
        var target = Path.Combine(folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var stem = Path.Combine(Path.GetDirectoryName(target)!, Path.GetFileNameWithoutExtension(target));
        for (var n = 1; File.Exists(target); n++) target = $"{stem}.{n}{Path.GetExtension(name)}";
        File.Move(path, target);
        return target;
    }
}
