using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace SensorStream.EdgeModule.Queue;

/// <summary>
/// Numbering before the start-up check (README "Queue damage", "Sampling does not wait for the check"): the samplers
/// number from the database's next sequences at once (<see cref="StartNumbering"/>), while nothing is shipped before the
/// coordinator has read the stream after the recorded tail. When that check finds a rolled-back database (the stream holds
/// a sensor up to a sequence above the one this run started at), <see cref="ContinueAfterStreamTail"/> moves this run's
/// events of the sensor up by the excess, in the same SQL transaction as the rest of the check (payload, FirstSequence and
/// checksum of each row), and from then on every batch of the sensor the samplers hand over is moved up by the same amount
/// as it is queued (<see cref="Renumber"/>, under the queue's lock: the rows and the samplers' numbers jump at one point).
/// The normal case (no rollback) rewrites nothing: it costs one empty-dictionary check per queued batch, and per start one
/// small SQL transaction writing the start point (<c>UncheckedNumbering</c>) and one removing it.
/// </summary>
public sealed partial class EventQueue
{
    /// <summary>
    /// Per sampled sensor, the sequence numbering started at while a start-up check was still to come (table
    /// <c>UncheckedNumbering</c>): written before the first sample of such a start, removed by the check's SQL transaction.
    /// A row a start finds was left by a run that crashed (or stopped) before its check: its events are unchecked too, and
    /// the check moves them with this run's. Created by <see cref="QueueDatabase"/>.
    /// </summary>
    internal const string UncheckedNumberingSchema =
        "CREATE TABLE IF NOT EXISTS UncheckedNumbering(SensorId TEXT PRIMARY KEY, FromSequence INTEGER NOT NULL);";

    private Dictionary<string, long>? _numberedFrom;
    private HashSet<string> _sampledSensors = [];
    private Dictionary<string, (long From, long Shift)> _renumbered = [];
    private bool _streamTailChecked; // the start-up check has run in this process: numbering from now on is checked

    /// <summary>
    /// The sequences the samplers of <paramref name="sensorIds"/> number from (as <see cref="NextSequences"/>). With
    /// <paramref name="checkFollows"/> (a start-up check of the stream after the recorded tail is still to run,
    /// <see cref="ContinueAfterStreamTail"/>), where each sampled sensor's unchecked numbering starts is written durably (one
    /// small SQL transaction; an earlier row, left by a run that never reached its check, is kept), so that the check can tell
    /// unchecked events (at or above it) from the database's own even after a crash. The coordinator runs concurrently, so
    /// the check may come first: then nothing is unchecked and nothing is written (a start point recorded after its check
    /// would outlive it, and the next start would take everything this run shipped since for a rollback). Call once, before
    /// the first sample; only when <see cref="SequencesUnproven"/> is null.
    /// </summary>
    public IReadOnlyDictionary<string, long> StartNumbering(IEnumerable<string> sensorIds, bool checkFollows)
    {
        lock (_gate)
        {
            if (SequencesUnproven is not null) throw new InvalidOperationException("sequences are unproven: nothing may be numbered before the stream is read");
            var next = ReadNextSequences(_db, null);
            _sampledSensors = [.. sensorIds];
            _numberedFrom = new Dictionary<string, long>(next);
            if (!checkFollows || _streamTailChecked) return next;
            var earlier = Query(_db, "SELECT SensorId, FromSequence FROM UncheckedNumbering", null, r => (r.GetString(0), r.GetInt64(1)))
                .ToDictionary(p => p.Item1, p => p.Item2);
            using (var txn = _db.BeginTransaction())
            {
                foreach (var sensor in _sampledSensors)
                {
                    if (earlier.TryGetValue(sensor, out var from)) _numberedFrom[sensor] = from;
                    else Execute(txn, "INSERT INTO UncheckedNumbering(SensorId, FromSequence) VALUES ($k, $f)", ("$k", sensor), ("$f", next.GetValueOrDefault(sensor)));
                }
                txn.Commit();
            }
            if (earlier.Count > 0)
                _log.LogInformation("Queue: a previous run numbered samples from {Sensors} and stopped before its start-up check of the stream; the check " +
                                "treats them as this run's (renumbered with them should it find a rollback)",
                    string.Join(", ", earlier.Select(p => $"{p.Key} at {p.Value}")));
            return next;
        }
    }

    /// <summary>
    /// The check has run (inside its SQL transaction, or in one of its own when it wrote nothing else): no numbering is
    /// unchecked. Every start point goes, not only one this process recorded: a run that stopped before its check leaves
    /// one, and this run's check may come before its samplers start (then this run recorded none); a start point that
    /// outlives its check makes the next start take everything shipped since for a rollback. The delete is decided by what
    /// the table holds, not by memory, so a check retried after its transaction failed (e.g. the disk full) deletes too.
    /// </summary>
    private void ClearUncheckedNumbering(SqliteTransaction? txn)
    {
        _streamTailChecked = true;
        if (txn is not null)
        {
            DeleteStartPoints(txn);
            return;
        }
        if (!Query(_db, "SELECT EXISTS (SELECT 1 FROM UncheckedNumbering)", null, r => r.GetInt64(0) != 0).Single()) return;
        using var own = _db.BeginTransaction();
        DeleteStartPoints(own);
        own.Commit();
    }

    /// <summary>Removes every start point of unchecked numbering, inside <paramref name="txn"/> (a check's or a proof's).</summary>
    private static void DeleteStartPoints(SqliteTransaction txn) => Execute(txn, "DELETE FROM UncheckedNumbering");

    /// <summary>
    /// A sampled batch numbered before a rollback was found: moved up by its sensor's shift (under the lock). Batches of
    /// the CSV importers (started after the check) are never moved.
    /// </summary>
    private IReadOnlyList<EncodedEvent> Renumber(IReadOnlyList<EncodedEvent> encoded)
    {
        if (_renumbered.Count == 0) return encoded;
        EncodedEvent[]? moved = null;
        for (var i = 0; i < encoded.Count; i++)
        {
            var e = encoded[i];
            if (!_renumbered.TryGetValue(e.SensorId, out var r) || e.FirstSequence < r.From) continue;
            moved ??= [.. encoded];
            moved[i] = EventRenumbering.Shifted(e, r.Shift);
        }
        return moved ?? encoded;
    }

    /// <summary>
    /// Inside the check's SQL transaction: this run's queued events of <paramref name="sensor"/> (at or above
    /// <paramref name="from"/>, the sequence its sampler started at) move up by <paramref name="shift"/>, and so does every
    /// batch of it queued later (once the caller has committed, <see cref="KeepRenumbering"/>); so do the ranges this run
    /// recorded as refused or dropped (<c>Losses</c>, <c>SensorSequences</c> above <paramref name="from"/>: only this run can
    /// have written them, <paramref name="from"/> being the database's next sequence when it started). Returns how many events
    /// moved. None of them can be in a transaction (nothing is shipped before the check); one that is would be a bug, and throws.
    /// </summary>
    private long RenumberThisRun(SqliteTransaction txn, string sensor, long from, long shift)
    {
        var rows = Query(_db, "SELECT Id, FirstSequence, SampleCount, Data, EXISTS (SELECT 1 FROM PendingTransactions p WHERE e.Id BETWEEN p.FirstId AND p.LastId) " +
                              "FROM Events e WHERE RoutingKey = $k AND FirstSequence >= $f", txn,
            r => (Id: r.GetInt64(0), Event: new EncodedEvent(sensor, r.GetInt64(1), r.GetInt32(2), (byte[])r.GetValue(3)), Pending: r.GetInt64(4) != 0),
            ("$k", sensor), ("$f", from));
        if (rows.Any(r => r.Pending))
            throw new InvalidOperationException($"sensor {sensor}: an event numbered by this run is in a transaction before the start-up check");
        foreach (var (id, e, _) in rows)
        {
            var moved = EventRenumbering.Shifted(e, shift);
            Execute(txn, "UPDATE Events SET FirstSequence = $s, Data = $d, Crc = $c WHERE Id = $id", ("$s", moved.FirstSequence), ("$d", moved.Data),
                ("$c", EventChecksum.Of(sensor, moved.FirstSequence, moved.Count, moved.Data)), ("$id", id));
        }
        // Samples this run refused or dropped (queue full) before the check are recorded with the numbers they had: moved too.
        Execute(txn, "UPDATE Losses SET FirstSequence = FirstSequence + $d WHERE SensorId = $k AND FirstSequence >= $f", ("$d", shift), ("$k", sensor), ("$f", from));
        Execute(txn, "UPDATE SensorSequences SET NextSequence = NextSequence + $d WHERE SensorId = $k AND NextSequence > $f", ("$d", shift), ("$k", sensor), ("$f", from));
        return rows.Count;
    }

    /// <summary>Whether the samplers number <paramref name="sensor"/> in this run (so its events may need renumbering).</summary>
    private bool NumberedByThisRun(string sensor) => _numberedFrom is not null && _sampledSensors.Contains(sensor);

    /// <summary>After the check's SQL transaction committed: later batches of each sensor at or above its From move up by its Shift.</summary>
    private void KeepRenumbering(IReadOnlyDictionary<string, (long From, long Shift)> shifts)
    {
        foreach (var (sensor, shift) in shifts) _renumbered[sensor] = shift;
    }
}
