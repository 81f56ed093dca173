using Microsoft.Data.Sqlite;
using SensorStream.EdgeModule.Sampling;
using SensorStream.Streams.Events;

namespace SensorStream.EdgeModule.Queue;

/// <summary>The CSV importer's progress table (<see cref="CsvFileProgress"/>), written with the events of each part.</summary>
public sealed partial class EventQueue
{
    /// <summary>The recorded progress of the file with this name and content, or null when it was never taken.</summary>
    public CsvFileProgress? CsvFile(string name, string contentHash)
    {
        lock (_gate)
            return Query(_db, "SELECT Name, ContentHash, Length, NextRecord, Rows, BadRows, ReportBytes, Outcome FROM CsvFiles WHERE Name = $n AND ContentHash = $h",
                null, r => new CsvFileProgress(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6),
                    r.IsDBNull(7) ? null : r.GetString(7)), ("$n", name), ("$h", contentHash)).SingleOrDefault();
    }

    /// <summary>
    /// Stores the events of one part of an imported CSV file and the file's progress, in ONE SQL transaction: the part
    /// is either wholly queued and recorded, or not at all. A full queue refuses the part (it is retried later:
    /// back-pressure on files instead of loss). The events come encoded (the importer writes their JSON from the
    /// fields' text while the previous part commits); an event over <see cref="SampleBatchJson.MaxEventBytes"/> throws
    /// <see cref="ArgumentException"/> before anything is stored.
    /// </summary>
    public EnqueueOutcome EnqueueFile(IReadOnlyList<EncodedEvent> events, CsvFileProgress file) => EnqueueAll(events, file);

    /// <summary>Bytes the queue can still take before its bound (0 when full).</summary>
    public long FreeBytes
    {
        get { lock (_gate) return Math.Max(0, _options.MaxBytes - _bytes); }
    }

    /// <summary>Records a file's progress on its own (a file set aside before any part, or a file with nothing to queue).</summary>
    public void RecordCsvFile(CsvFileProgress progress)
    {
        lock (_gate)
        {
            using var txn = _db.BeginTransaction();
            RecordCsvProgress(txn, progress, MonotonicClock.UnixNowNanos());
            txn.Commit();
        }
    }

    private static void RecordCsvProgress(SqliteTransaction txn, CsvFileProgress p, long now) =>
        Execute(txn, "INSERT INTO CsvFiles(Name, ContentHash, Length, NextRecord, Rows, BadRows, ReportBytes, Outcome, UpdatedUnixNanos) " +
                     "VALUES ($n, $h, $l, $r, $q, $b, $rb, $o, $t) ON CONFLICT(Name, ContentHash) DO UPDATE SET NextRecord = excluded.NextRecord, " +
                     "Rows = excluded.Rows, BadRows = excluded.BadRows, ReportBytes = excluded.ReportBytes, Outcome = excluded.Outcome, UpdatedUnixNanos = excluded.UpdatedUnixNanos",
            ("$n", p.Name), ("$h", p.ContentHash), ("$l", p.Length), ("$r", p.NextRecord), ("$q", p.Rows), ("$b", p.BadRows),
            ("$rb", p.ReportBytes), ("$o", (object?)p.Outcome ?? DBNull.Value), ("$t", now));
}
