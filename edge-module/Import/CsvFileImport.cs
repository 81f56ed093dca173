using System.Text;
using SensorStream.EdgeModule.Queue;

namespace SensorStream.EdgeModule.Import;

/// <summary>
/// The file a <see cref="CsvDirectoryImporter"/> is importing: its reader, its durable progress, the part waiting for room
/// in the queue, and its quarantine report (<c>line,reason,row</c>), which is cut back to the length recorded with the
/// last durable part so that a retried part never reports a row twice.
/// </summary>
internal sealed class CsvFileImport(string path, CsvFileIdentity identity, DateTime lastWriteUtc, CsvFileReader reader, CsvFileProgress progress, string reportPath)
    : IDisposable
{
    private const string ReportHeader = "line,reason,row\n";

    public string Path { get; } = path;

    public CsvFileIdentity Identity { get; } = identity;

    public CsvFileReader Reader { get; } = reader;

    public CsvFileProgress Progress { get; set; } = progress;

    public string ReportPath { get; } = reportPath;

    /// <summary>A part read but not yet accepted by the queue (offered again as it is).</summary>
    public CsvPart? Pending { get; set; }

    private Task<CsvPart>? _ahead;

    /// <summary>
    /// Starts reading the part after <see cref="Pending"/> on a pool thread while the queue encodes and commits
    /// <see cref="Pending"/> (parse and commit overlap on a multi-core device; memory stays bounded by two parts). Nothing
    /// of it is durable until it is queued itself, so a crash or a refused part loses nothing: it is read again.
    /// </summary>
    public void ReadAhead(long firstSequence, long budgetBytes, int batchSize, long maxRecords)
    {
        if (_ahead is not null || Pending is not { End: false } || Reader.Header is not { } header || budgetBytes < header.FixedBytes + header.RowBytes) return;
        _ahead = Task.Run(() => Reader.ReadPart(firstSequence, budgetBytes, batchSize, maxRecords));
    }

    /// <summary>The part read ahead (waiting for it; its read errors are thrown here), or null when none was started.</summary>
    public CsvPart? TakeAhead()
    {
        var ahead = _ahead;
        _ahead = null;
        return ahead?.GetAwaiter().GetResult();
    }

    /// <summary>Null while the file on disk is as it was taken (length and modification time); otherwise how it changed.</summary>
    public string? ChangedOnDisk()
    {
        var now = new FileInfo(Path);
        if (!now.Exists) return "was removed or renamed after it was taken";
        if (now.Length != Identity.Length) return $"changed after it was taken (length {Identity.Length} → {now.Length} bytes)";
        if (now.LastWriteTimeUtc != lastWriteUtc) return "changed after it was taken (written again at the same length)";
        return null;
    }

    /// <summary>True when the reader consumed exactly the bytes the identity was taken from.</summary>
    public bool ReadWhole() => Reader.ConsumedBytes == Identity.Length && Reader.ConsumedHash() == Identity.ContentHash;

    /// <summary>Cuts the report back to the recorded length (a crash or a refused part may have left rows after it).</summary>
    public void CutReport()
    {
        if (!File.Exists(ReportPath)) return;
        using var file = new FileStream(ReportPath, FileMode.Open, FileAccess.Write);
        if (file.Length > Progress.ReportBytes) file.SetLength(Progress.ReportBytes);
    }

    /// <summary>Appends <paramref name="rows"/> after the recorded length; returns the report's new length.</summary>
    public long AppendReport(IReadOnlyList<RejectedRow> rows) => AppendReport(ReportPath, Progress.ReportBytes, rows);

    /// <summary>Writes <paramref name="rows"/> into the report at <paramref name="at"/> bytes (after its header); returns the new length.</summary>
    public static long AppendReport(string report, long at, IReadOnlyList<RejectedRow> rows)
    {
        if (rows.Count == 0) return at;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(report)!);
        var text = new StringBuilder(at == 0 ? ReportHeader : "");
        foreach (var r in rows) text.Append(r.Line).Append(',').Append(Quote(r.Reason)).Append(',').Append(Quote(r.Text)).Append('\n');
        using var file = new FileStream(report, FileMode.OpenOrCreate, FileAccess.Write);
        file.SetLength(at);
        file.Position = at;
        file.Write(Encoding.UTF8.GetBytes(text.ToString()));
        file.Flush(flushToDisk: true);
        return file.Length;
    }

    private static string Quote(string text) => "\"" + text.Replace("\"", "\"\"") + "\"";

    /// <summary>Waits for a read ahead (its outcome no longer matters), then closes the file.</summary>
    public void Dispose()
    {
        try
        {
            _ahead?.Wait();
        }
        catch (AggregateException)
        {
            // The part read ahead is dropped with the file; its error, if any, was not needed.
        }
        _ahead = null;
        Reader.Dispose();
    }
}
