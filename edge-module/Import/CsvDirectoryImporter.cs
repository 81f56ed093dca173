using System.Text;
using Microsoft.Extensions.Logging;
using SensorStream.EdgeModule.Queue;

namespace SensorStream.EdgeModule.Import;

/// <summary>
/// <c>csv:&lt;directory&gt;</c>: imports each <c>*.csv</c> dropped in the directory exactly once, in name order.
/// A file is taken only once it has not changed for the stable time (it may still be being written). Its good
/// rows are queued and the file is recorded as imported in ONE SQL transaction — recorded before the stream
/// commit, so a crash can never ingest it twice — then it moves to <c>completed/</c>. Bad rows go to
/// <c>quarantine/&lt;name in completed&gt;.rejected.csv</c> with line number and reason (named after the file's
/// name in <c>completed/</c>, so a file that reuses a name never overwrites an earlier file's report).
/// </summary>
public sealed class CsvDirectoryImporter
{
    private readonly string _directory;
    private readonly EventQueue _queue;
    private readonly int _batchSize;
    private readonly TimeSpan _stableTime;
    private readonly ILogger _log;
    private long _nextSequence;

    public CsvDirectoryImporter(string directory, EventQueue queue, int batchSize, TimeSpan stableTime, ILogger log)
    {
        _directory = Path.GetFullPath(directory);
        _queue = queue;
        _batchSize = batchSize;
        _stableTime = stableTime;
        _log = log;
        SensorId = SensorIdFor(directory);
        _nextSequence = queue.NextSequences().GetValueOrDefault(SensorId);
    }

    /// <summary><c>csv-&lt;directory name&gt;</c>.</summary>
    public static string SensorIdFor(string directory) =>
        "csv-" + Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));

    public string SensorId { get; }

    public long FilesImported { get; private set; }

    public long RowsQuarantined { get; private set; }

    public string CompletedDirectory => Path.Combine(_directory, "completed");

    public string QuarantineDirectory => Path.Combine(_directory, "quarantine");

    public async Task RunAsync(TimeSpan pollInterval, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(pollInterval);
        do
        {
            try
            {
                ScanOnce();
            }
            // A full disk (SQLITE_FULL) or a busy queue must pause the import, never end it: the file stays in place
            // and is taken again at the next scan.
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
            {
                _log.LogWarning("CSV import from {Directory} failed, retrying: {Error}", _directory, e.Message);
            }
        } while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
    }

    /// <summary>Imports every stable file once; returns how many files were imported.</summary>
    public int ScanOnce()
    {
        if (!Directory.Exists(_directory)) return 0;
        var imported = 0;
        foreach (var path in Directory.GetFiles(_directory, "*.csv").Order(StringComparer.Ordinal))
        {
            var info = new FileInfo(path);
            if (DateTime.UtcNow - info.LastWriteTimeUtc < _stableTime) continue; // may still be being written
            var lastWrite = (info.LastWriteTimeUtc - DateTime.UnixEpoch).Ticks * 100;
            var completed = CompletedPath(path);
            if (!_queue.IsImported(path, info.Length, lastWrite))
            {
                var parsed = CsvFileParser.Parse(path, SensorId, _nextSequence, _batchSize);
                // Written before the SQL commit: a crash in between rewrites the same quarantine file on retry.
                if (parsed.Rejected.Count > 0) WriteQuarantine(path, Path.GetFileName(completed), parsed.Rejected);
                var record = new ImportedFile(path, info.Length, lastWrite, parsed.Rows, parsed.Rejected.Count);
                if (_queue.EnqueueFile(parsed.Batches, record) == EnqueueOutcome.Rejected) return imported;
                if (parsed.Batches.Count > 0) _nextSequence = parsed.Batches[^1].NextSequence;
                FilesImported++;
                RowsQuarantined += parsed.Rejected.Count;
                imported++;
                _log.LogInformation("Imported {File}: {Rows} rows queued as {Events} events, {Bad} rows quarantined",
                    path, parsed.Rows, parsed.Batches.Count, parsed.Rejected.Count);
            }
            Directory.CreateDirectory(CompletedDirectory);
            File.Move(path, completed);
        }
        return imported;
    }

    private void WriteQuarantine(string path, string completedName, IReadOnlyList<RejectedRow> rejected)
    {
        Directory.CreateDirectory(QuarantineDirectory);
        var target = Path.Combine(QuarantineDirectory, completedName + ".rejected.csv");
        var text = new StringBuilder("line,reason,row\n");
        foreach (var r in rejected) text.Append(r.Line).Append(',').Append(Quote(r.Reason)).Append(',').Append(Quote(r.Text)).Append('\n');
        File.WriteAllText(target, text.ToString());
        _log.LogWarning("{File}: {Count} rows quarantined in {Target} (first: line {Line}, {Reason})",
            path, rejected.Count, target, rejected[0].Line, rejected[0].Reason);
    }

    private static string Quote(string text) => "\"" + text.Replace("\"", "\"\"") + "\"";

    /// <summary>Where the file goes in <c>completed/</c>: its own name, or <c>name.N.csv</c> when that is taken.</summary>
    private string CompletedPath(string path)
    {
        var target = Path.Combine(CompletedDirectory, Path.GetFileName(path));
        for (var n = 1; File.Exists(target); n++)
            target = Path.Combine(CompletedDirectory, $"{Path.GetFileNameWithoutExtension(path)}.{n}{Path.GetExtension(path)}");
        return target;
    }
}
