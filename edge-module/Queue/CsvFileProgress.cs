namespace SensorStream.EdgeModule.Queue;

/// <summary>
/// How far one CSV file has been imported, stored in the queue's <c>CsvFiles</c> table in the same SQL transaction
/// as the events of each part (as Pravega Sensor Collector keeps <c>PendingFiles(fileName, offset)</c>), so that a
/// restart resumes after the last durable part and never imports a row twice.
/// </summary>
/// <param name="Name">The file's path relative to its import directory ('/'-separated).</param>
/// <param name="ContentHash">XxHash128 of the file's bytes (hex) when it was taken: with <paramref name="Name"/>, the file's identity.</param>
/// <param name="Length">The file's length in bytes when it was taken.</param>
/// <param name="NextRecord">Resume offset: records (CSV rows after the header, blank ones included) already consumed.</param>
/// <param name="Rows">Rows queued so far.</param>
/// <param name="BadRows">Rows quarantined so far.</param>
/// <param name="ReportBytes">Length of the file's quarantine report after the last durable part (a longer one is cut back on resume).</param>
/// <param name="Outcome">Null while in progress; <c>imported</c>, or the reason the file was set aside.</param>
public sealed record CsvFileProgress(
    string Name,
    string ContentHash,
    long Length,
    long NextRecord,
    long Rows,
    long BadRows,
    long ReportBytes,
    string? Outcome)
{
    /// <summary>The outcome of a file that was read to its end.</summary>
    public const string Imported = "imported";

    /// <summary>Used by the full-queue report.</summary>
    public string Path => Name;

    internal const string Schema = """
        CREATE TABLE IF NOT EXISTS CsvFiles(
            Name TEXT NOT NULL,
            ContentHash TEXT NOT NULL,
            Length INTEGER NOT NULL,
            NextRecord INTEGER NOT NULL,
            Rows INTEGER NOT NULL,
            BadRows INTEGER NOT NULL,
            ReportBytes INTEGER NOT NULL,
            Outcome TEXT,
            UpdatedUnixNanos INTEGER NOT NULL,
            PRIMARY KEY(Name, ContentHash));
        """;
}
