using Microsoft.Data.Sqlite;
using SensorStream.EdgeModule.Sampling;
using Microsoft.Extensions.Logging;
using SensorStream.Streams.Events;

namespace SensorStream.EdgeModule.Queue;

/// <summary>
/// The durable SQLite queue between the sampler and the transaction coordinator. Each event is stored in
/// its own SQL transaction (one row, nothing else), so after a crash the sampler continues exactly after the last
/// durable sample: a sensor's next sequence is the end of its newest queued event, or, for samples no longer queued,
/// <c>SensorSequences</c> (see <see cref="ReadNextSequences"/>). The size bound applies the configured policy, and
/// every refused or dropped sample range is recorded in <c>Losses</c>: data is never lost silently.
/// One connection, serialized by a lock: SQLite has a single writer anyway and every call is short.
/// </summary>
public sealed partial class EventQueue : IDisposable
{
    public const string RejectedReason = "rejected: queue full";
    public const string DroppedReason = "dropped-oldest: queue full";

    private readonly SqliteConnection _db;
    private readonly QueueOptions _options;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private long _events;
    private long _bytes;
    private long _lastId;
    private long _reservedThrough;
    private long _rejectedEvents, _rejectedSamples, _droppedEvents, _droppedSamples;
    private readonly FullQueueReporter _fullReporter;
    private readonly SequenceLedger _ledger;
    private long _damageRanges, _damageSamples;
    private readonly SqliteCommand _insertEvent;
    private readonly SqliteCommand _setNextSequence;

    private EventQueue(SqliteConnection db, QueueOptions options, ILogger log, SequenceLedger ledger)
    {
        _db = db;
        _ledger = ledger;
        _options = options;
        _log = log;
        _fullReporter = new FullQueueReporter(log, options);
        _insertEvent = Prepare(db, "INSERT INTO Events(RoutingKey, FirstSequence, SampleCount, CreatedUnixNanos, Data, Crc) VALUES ($k, $s, $n, $t, $d, $c)",
            "$k", "$s", "$n", "$t", "$d", "$c");
        _setNextSequence = Prepare(db, "INSERT INTO SensorSequences(SensorId, NextSequence) VALUES ($k, $n) " +
                                       "ON CONFLICT(SensorId) DO UPDATE SET NextSequence = MAX(NextSequence, excluded.NextSequence)", "$k", "$n");
        (_events, _bytes) = Query(db, "SELECT COUNT(*), IFNULL(SUM(length(Data)), 0) FROM Events", null, r => (r.GetInt64(0), r.GetInt64(1))).Single();
        _lastId = Query(db, "SELECT seq FROM sqlite_sequence WHERE name = 'Events'", null, r => r.GetInt64(0)).FirstOrDefault();
        foreach (var (reason, events, samples) in Query(db, "SELECT Reason, COUNT(*), SUM(SampleCount) FROM Losses GROUP BY Reason", null,
                     r => (r.GetString(0), r.GetInt64(1), r.GetInt64(2))))
        {
            if (reason == RejectedReason) (_rejectedEvents, _rejectedSamples) = (events, samples);
            if (reason == DroppedReason) (_droppedEvents, _droppedSamples) = (events, samples);
            if (DamageReasons.Contains(reason)) (_damageRanges, _damageSamples) = (_damageRanges + events, _damageSamples + samples);
        }
        _damageRanges += Query(db, "SELECT COUNT(*) FROM UncountedGaps", null, r => r.GetInt64(0)).Single();
    }

    /// <summary>
    /// Opens (or creates) the queue at <paramref name="path"/>: a corrupt database is moved aside, then the database is
    /// checked against the sequence files beside it (<c>&lt;path&gt;.hwm</c>, <c>&lt;path&gt;.progress</c>, see README
    /// "Queue damage") and any lost range is recorded before the first sample is taken. When those files cannot prove
    /// which sequences are free, <see cref="SequencesUnproven"/> says why and the caller must give
    /// <see cref="ContinueAfterStream"/> what the stream holds before it numbers (or ships) anything.
    /// </summary>
    /// <exception cref="IOException">The database is in use by another process, or the sequence files cannot be written.</exception>
    public static EventQueue Open(string path, QueueOptions options, ILogger log)
    {
        var db = QueueDatabase.OpenOrRecover(path, log);
        SequenceLedger? ledger = null;
        try
        {
            ledger = SequenceLedger.Open(path, options.SequenceBlock, log);
            var unproven = CheckAgainstLedger(db, ledger, Path.GetFullPath(path), log);
            return new EventQueue(db, options, log, ledger) { SequencesUnproven = unproven };
        }
        catch
        {
            ledger?.Dispose();
            db.Dispose();
            throw;
        }
    }

    /// <summary>Raised (set) whenever an event is accepted.</summary>
    public QueueSignal Arrived { get; } = new();

    public QueueOptions Options => _options;

    /// <summary>Per sensor, the sequence its next sample gets: one past the last durable (or recorded-as-lost) sample.</summary>
    public IReadOnlyDictionary<string, long> NextSequences()
    {
        lock (_gate)
            return ReadNextSequences(_db, null);
    }

    /// <summary>
    /// Each sensor's next sequence in the database: the larger of its <c>SensorSequences</c> row and the end of its newest
    /// queued event. Queuing an event writes only the event's row (no per-event sequence update); the
    /// <c>EventsKeepNextSequence</c> trigger (<see cref="QueueDatabase"/>) folds every deleted event's end into
    /// <c>SensorSequences</c>, and refused samples are written there directly, so a number is never handed out twice.
    /// One scan of Events' leading columns (not the event bytes): run at open and start only.
    /// </summary>
    private static Dictionary<string, long> ReadNextSequences(SqliteConnection db, SqliteTransaction? txn) =>
        Query(db, "SELECT SensorId, MAX(Next) FROM (SELECT SensorId, NextSequence AS Next FROM SensorSequences UNION ALL " +
                  "SELECT RoutingKey, MAX(FirstSequence + SampleCount) FROM Events GROUP BY RoutingKey) GROUP BY SensorId", txn,
                r => (r.GetString(0), r.GetInt64(1)))
            .ToDictionary(x => x.Item1, x => x.Item2);

    /// <summary>Stores one event (one SQL transaction), applying the size bound.</summary>
    public EnqueueOutcome Enqueue(SampleBatch batch) => EnqueueAll([EncodedEvent.Of(batch)], file: null);

    private EnqueueOutcome EnqueueAll(IReadOnlyList<EncodedEvent> encoded, CsvFileProgress? file)
    {
        long size = 0;
        foreach (var e in encoded)
        {
            if (e.Data.Length > SampleBatchJson.MaxEventBytes)
                throw new ArgumentException($"event of {e.SensorId} at sequence {e.FirstSequence} is {e.Data.Length} bytes, over the {SampleBatchJson.MaxEventBytes}-byte limit: lower {_options.BatchSetting}");
            size += e.Data.Length;
        }
        var now = MonotonicClock.UnixNowNanos();
        var outcome = EnqueueOutcome.Accepted;
        lock (_gate)
        {
            if (file is null && _renumbered.Count > 0)
            {
                // Numbered before the start-up check found a rollback: moved up here, where the stored rows were (EventQueue.Numbering.cs).
                encoded = Renumber(encoded);
                size = encoded.Sum(e => (long)e.Data.Length);
            }
            // Durable before anything commits: the high-water mark never lags a sequence the database holds.
            _ledger.Reserve(encoded.Select(e => (e.SensorId, e.NextSequence)));
            using var txn = _db.BeginTransaction();
            if (_bytes + size > _options.MaxBytes)
            {
                if (file is not null || _options.FullPolicy == QueueFullPolicy.Reject || !DropOldest(txn, size, now))
                {
                    if (file is null) RecordRejection(txn, encoded[0], now);
                    txn.Commit();
                    if (file is null) _ledger.Issued([(encoded[0].SensorId, encoded[0].NextSequence)]);
                    if (file is null) (_rejectedEvents, _rejectedSamples) = (_rejectedEvents + 1, _rejectedSamples + encoded[0].Count);
                    _fullReporter.Refused(file is null ? encoded[0].Count : 0, _bytes, size, file?.Path ?? encoded[0].SensorId, file?.Path);
                    return EnqueueOutcome.Rejected;
                }
                outcome = EnqueueOutcome.AcceptedAfterDrop;
            }
            long lastId = _lastId;
            foreach (var e in encoded)
            {
                // The row is all: its end is the sensor's next sequence (ReadNextSequences), its id is SQLite's last rowid.
                Bind(_insertEvent, txn, e.SensorId, e.FirstSequence, e.Count, now, e.Data,
                    EventChecksum.Of(e.SensorId, e.FirstSequence, e.Count, e.Data)).ExecuteNonQuery();
                lastId = SQLitePCL.raw.sqlite3_last_insert_rowid(_db.Handle);
            }
            if (file is not null) RecordCsvProgress(txn, file, now);
            txn.Commit();
            _ledger.Issued(encoded.Select(e => (e.SensorId, e.NextSequence)));
            _lastId = lastId;
            _events += encoded.Count;
            _bytes += size;
            _fullReporter.Accepted(outcome == EnqueueOutcome.AcceptedAfterDrop);
        }
        Arrived.Set();
        return outcome;
    }

    private void RecordRejection(SqliteTransaction txn, EncodedEvent batch, long now)
    {
        // The samples keep their sequence numbers (the gap is explicit and explained in Losses).
        Execute(txn, "INSERT INTO Losses(SensorId, FirstSequence, SampleCount, Reason, AtUnixNanos) VALUES ($k, $s, $n, $r, $t)",
            ("$k", batch.SensorId), ("$s", batch.FirstSequence), ("$n", batch.Count), ("$r", RejectedReason), ("$t", now));
        SetNextSequence(txn, batch.SensorId, batch.NextSequence);
    }

    /// <summary>Deletes the oldest events outside any pending or reserved transaction until <paramref name="needed"/> bytes fit; false if they cannot.</summary>
    private bool DropOldest(SqliteTransaction txn, long needed, long now)
    {
        var floor = Math.Max(_reservedThrough, Query(_db, "SELECT IFNULL(MAX(LastId), 0) FROM PendingTransactions", txn, r => r.GetInt64(0)).Single());
        var victims = new List<(long Id, string Key, long Seq, int Count, long Bytes)>();
        var bytes = _bytes;
        using (var command = _db.CreateCommand())
        {
            command.Transaction = txn;
            command.CommandText = "SELECT Id, RoutingKey, FirstSequence, SampleCount, length(Data) FROM Events WHERE Id > $floor ORDER BY Id";
            command.Parameters.AddWithValue("$floor", floor);
            using var reader = command.ExecuteReader();
            while (bytes + needed > _options.MaxBytes && reader.Read())
            {
                victims.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt32(3), reader.GetInt64(4)));
                bytes -= reader.GetInt64(4);
            }
        }
        if (bytes + needed > _options.MaxBytes) return false;
        foreach (var v in victims)
        {
            Execute(txn, "DELETE FROM Events WHERE Id = $id", ("$id", v.Id));
            Execute(txn, "INSERT INTO Losses(SensorId, FirstSequence, SampleCount, Reason, AtUnixNanos) VALUES ($k, $s, $n, $r, $t)",
                ("$k", v.Key), ("$s", v.Seq), ("$n", v.Count), ("$r", DroppedReason), ("$t", now));
        }
        _events -= victims.Count;
        _bytes = bytes;
        _droppedEvents += victims.Count;
        _droppedSamples += victims.Sum(v => (long)v.Count);
        _fullReporter.Dropped(victims.Count, victims.Sum(v => (long)v.Count));
        return true;
    }

    private void SetNextSequence(SqliteTransaction txn, string sensorId, long next) =>
        Bind(_setNextSequence, txn, sensorId, next).ExecuteNonQuery();

    /// <summary>Id of the newest event ever queued (0 before the first).</summary>
    public long LastEventId
    {
        get { lock (_gate) return _lastId; }
    }

    /// <summary>Id of the oldest event still queued, or null when the queue is empty.</summary>
    public long? OldestEventId()
    {
        lock (_gate) return Query(_db, "SELECT MIN(Id) FROM Events", null, r => r.IsDBNull(0) ? (long?)null : r.GetInt64(0)).Single();
    }

    public QueueStats Stats()
    {
        lock (_gate)
        {
            var oldest = Query(_db, "SELECT CreatedUnixNanos FROM Events ORDER BY Id LIMIT 1", null, r => (long?)r.GetInt64(0)).FirstOrDefault();
            var pending = Query(_db, "SELECT COUNT(*) FROM PendingTransactions", null, r => r.GetInt64(0)).Single();
            return new QueueStats(_events, _bytes, oldest, pending, _rejectedEvents, _rejectedSamples, _droppedEvents, _droppedSamples)
            {
                DamageGaps = _damageRanges,
                DamageLostSamples = _damageSamples,
            };
        }
    }

    public IReadOnlyList<Loss> Losses()
    {
        lock (_gate)
            return Query(_db, "SELECT SensorId, FirstSequence, SampleCount, Reason FROM Losses ORDER BY Id", null,
                r => new Loss(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetString(3)));
    }


    public void Dispose()
    {
        lock (_gate)
        {
            _insertEvent.Dispose();
            _setNextSequence.Dispose();
            _db.Dispose();
            _ledger.Dispose();
        }
    }
}
