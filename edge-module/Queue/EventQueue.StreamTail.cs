using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using SensorStream.EdgeModule.Sampling;

namespace SensorStream.EdgeModule.Queue;

/// <summary>
/// The rollback check against the stream (README "Queue damage", "Rolled back together with its sequence files"): the
/// queue database keeps the stream's tail cut as recorded with its last commit bookkeeping (table <c>StreamTail</c>, one
/// row, the cut as opaque protobuf bytes). A database restored together with its sequence files from an older copy is
/// consistent locally, but the stream after its recorded tail then holds what the lost run committed. At every start the
/// caller reads the stream from that tail to the current one (<c>Transactions/StreamSequenceScan</c>: normally only the
/// last commit's events) and hands the highest sequence per sensor to <see cref="ContinueAfterStreamTail"/> before anything
/// is shipped. The samplers do not wait for it: what they number before it is renumbered when it finds a rollback
/// (EventQueue.Numbering.cs).
/// </summary>
public sealed partial class EventQueue
{
    /// <summary>The table holding the recorded tail; created by <see cref="QueueDatabase"/> (absent from older databases: then created empty).</summary>
    internal const string StreamTailSchema =
        "CREATE TABLE IF NOT EXISTS StreamTail(Id INTEGER PRIMARY KEY CHECK (Id = 1), Cut BLOB NOT NULL, RecordedUnixNanos INTEGER NOT NULL);";

    /// <summary>Loss reason: queued events the stream after the recorded tail proves a rolled-back database sent already (never sent again).</summary>
    public const string RolledBackReason = "in the stream after a queue rollback: sent by the lost run or lost, never sent again";

    private byte[]? _notedTail;

    /// <summary>
    /// Gaps of unknowable size (table <c>UncountedGaps</c>: a sensor continued after the stream at <c>ContinuedAt</c> because
    /// its queue was lost or rolled back, so what the lost run queued but never committed is gone, how much cannot be known):
    /// one row each, so <see cref="QueueStats.DamageGaps"/> counts them after a restart too, as it counts <c>Losses</c>.
    /// Created by <see cref="QueueDatabase"/>.
    /// </summary>
    internal const string UncountedGapsSchema =
        "CREATE TABLE IF NOT EXISTS UncountedGaps(Id INTEGER PRIMARY KEY AUTOINCREMENT, SensorId TEXT NOT NULL, ContinuedAt INTEGER NOT NULL, " +
        "Reason TEXT NOT NULL, AtUnixNanos INTEGER NOT NULL);";

    /// <summary>Records one gap of unknowable size inside <paramref name="txn"/> (see <see cref="UncountedGapsSchema"/>).</summary>
    private static void RecordUncountedGap(SqliteTransaction txn, string sensor, long continuedAt, string reason, long now) =>
        Execute(txn, "INSERT INTO UncountedGaps(SensorId, ContinuedAt, Reason, AtUnixNanos) VALUES ($k, $c, $r, $t)",
            ("$k", sensor), ("$c", continuedAt), ("$r", reason), ("$t", now));

    /// <summary>
    /// The stream tail cut recorded in the database (protobuf bytes of a <c>StreamCut</c>), or null for a database that has
    /// none yet: one written before this record existed (the check is then skipped once and recording starts), or a new one.
    /// </summary>
    public byte[]? RecordedStreamTail()
    {
        lock (_gate)
            return Query(_db, "SELECT Cut FROM StreamTail WHERE Id = 1", null, r => (byte[])r.GetValue(0)).FirstOrDefault();
    }

    /// <summary>
    /// Notes a stream tail cut taken by the caller (any cut taken before it is recorded is a valid lower bound of what a later
    /// run can have committed). It is written with the next commit's bookkeeping (<see cref="Complete"/>), in the same SQL
    /// transaction: no write or fsync of its own.
    /// </summary>
    public void NoteStreamTail(byte[] cut)
    {
        lock (_gate) _notedTail = cut;
    }

    /// <summary>Writes the noted tail, if any, inside <paramref name="txn"/> (under the lock).</summary>
    private void RecordNotedTail(SqliteTransaction txn)
    {
        if (_notedTail is not { } cut) return;
        Execute(txn, "INSERT INTO StreamTail(Id, Cut, RecordedUnixNanos) VALUES (1, $c, $t) ON CONFLICT(Id) DO UPDATE SET Cut = excluded.Cut, " +
                     "RecordedUnixNanos = excluded.RecordedUnixNanos", ("$c", cut), ("$t", MonotonicClock.UnixNowNanos()));
        _notedTail = null;
    }

    /// <summary>
    /// Applies what the stream holds after the recorded tail (<paramref name="streamNext"/>: per sensor one past the highest
    /// sequence of its events there) and records <paramref name="tailNow"/> as the new tail, in one SQL transaction.
    /// The rule, decided by sequence as the proof from the stream decides (a sensor's events reach the stream in sequence
    /// order, one transaction at a time):
    /// <list type="bullet">
    /// <item>Every queued event of a sensor starting below its <paramref name="streamNext"/> is in the stream (or was lost by the
    /// run that sent what follows it) and is removed, never sent again. One in a pending transaction is the normal case (a
    /// commit whose bookkeeping a crash cut short): removed without a record. One in no pending transaction was never handed
    /// to a transaction by this database: only a rollback explains it; recorded in <c>Losses</c> (<see cref="RolledBackReason"/>).</item>
    /// <item>A sensor whose <paramref name="streamNext"/> is above the database's next sequence was rolled back (the stream holds
    /// numbers this database never issued): it continues at <paramref name="streamNext"/> and counts one damage gap (what the
    /// lost run queued but did not commit is lost, how much cannot be known), as the lost-queue path does. "The database's next
    /// sequence" is the one the samplers started at (<see cref="StartNumbering"/>): what they queued since, never sent, moves up
    /// by the excess in this same transaction (EventQueue.Numbering.cs), and so does every batch of the sensor queued later.</item>
    /// </list>
    /// On a rollback one error line names the database, each rolled-back sensor and its ranges; both sequence files are
    /// rewritten. Pending rows left without events are removed. Returns true when a rollback was found.
    /// </summary>
    public bool ContinueAfterStreamTail(IReadOnlyDictionary<string, long> streamNext, byte[] tailNow)
    {
        lock (_gate)
        {
            if (streamNext.Count == 0)
            {
                ClearUncheckedNumbering(null); // nothing of any sensor after the recorded tail: a normal restart writes nothing else
                return false;
            }
            // The database's next sequence per sensor counts its queued events too (SensorSequences holds only what left the queue);
            // with the samplers started before the check, as it was when they started (what they queued since is this run's).
            var next = _numberedFrom ?? ReadNextSequences(_db, null);
            var now = MonotonicClock.UnixNowNanos();
            var rolledBack = new List<string>();
            var unknown = new List<string>();
            var continued = new Dictionary<string, long>();
            var shifts = new Dictionary<string, (long From, long Shift)>();
            long delivered = 0, recordedEvents = 0, recordedSamples = 0;
            using (var txn = _db.BeginTransaction())
            {
                foreach (var (sensor, inStream) in streamNext.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    var known = next.TryGetValue(sensor, out var local);
                    // This run's events of the sensor, numbered from local before the check, move above what the stream holds.
                    long moved = 0;
                    if (inStream > local && NumberedByThisRun(sensor))
                    {
                        moved = RenumberThisRun(txn, sensor, local, inStream - local);
                        shifts[sensor] = (local, inStream - local);
                    }
                    if (!known)
                    {
                        // Another writer's sensor, or one added after the restored copy was taken: it continues after the stream
                        // should this collector sample it, and proves nothing about this database.
                        unknown.Add($"{sensor} at {inStream}" + (moved > 0 ? $" ({moved} events of this run renumbered by +{inStream})" : ""));
                        Execute(txn, "INSERT INTO SensorSequences(SensorId, NextSequence) VALUES ($k, $n) " +
                                     "ON CONFLICT(SensorId) DO UPDATE SET NextSequence = MAX(NextSequence, excluded.NextSequence)", ("$k", sensor), ("$n", inStream));
                        continue;
                    }
                    var removed = Query(_db, "SELECT FirstSequence, SampleCount, EXISTS (SELECT 1 FROM PendingTransactions p WHERE e.Id BETWEEN p.FirstId AND p.LastId) " +
                                             "FROM Events e WHERE RoutingKey = $k AND FirstSequence < $s", txn,
                        r => (First: r.GetInt64(0), Count: r.GetInt64(1), Pending: r.GetInt64(2) != 0), ("$k", sensor), ("$s", inStream));
                    Execute(txn, "DELETE FROM Events WHERE RoutingKey = $k AND FirstSequence < $s", ("$k", sensor), ("$s", inStream));
                    var unsent = removed.Where(e => !e.Pending).OrderBy(e => e.First).ToList();
                    foreach (var (first, count, _) in unsent)
                        Execute(txn, "INSERT INTO Losses(SensorId, FirstSequence, SampleCount, Reason, AtUnixNanos) VALUES ($k, $s, $n, $r, $t)",
                            ("$k", sensor), ("$s", first), ("$n", count), ("$r", RolledBackReason), ("$t", now));
                    delivered += removed.Count - unsent.Count;
                    recordedEvents += unsent.Count;
                    recordedSamples += unsent.Sum(e => e.Count);
                    if (inStream <= local && unsent.Count == 0) continue;
                    rolledBack.Add(inStream > local
                        ? $"{sensor}: the stream holds it up to {inStream - 1}, the database was at {local} ({local}..{inStream - 1} were issued by the lost run" +
                          (unsent.Count > 0 ? $"; {unsent.Count} queued events {unsent[0].First}..{unsent[^1].First + unsent[^1].Count - 1} are in the stream too, removed" : "") +
                          $"), continuing at {inStream}" +
                          (shifts.ContainsKey(sensor) ? $" ({moved} events this run queued before the check, never sent, renumbered by +{inStream - local}, " +
                                                        $"and so is every later sample of this run)" : "")
                        : $"{sensor}: {unsent.Count} queued events {unsent[0].First}..{unsent[^1].First + unsent[^1].Count - 1} are already in the stream " +
                          $"(up to {inStream - 1}), continuing at {local}");
                    if (inStream > local)
                    {
                        continued[sensor] = inStream;
                        RecordUncountedGap(txn, sensor, inStream, RolledBackReason, now);
                    }
                    Execute(txn, "INSERT INTO SensorSequences(SensorId, NextSequence) VALUES ($k, $n) " +
                                 "ON CONFLICT(SensorId) DO UPDATE SET NextSequence = MAX(NextSequence, excluded.NextSequence)", ("$k", sensor), ("$n", Math.Max(local, inStream)));
                }
                Execute(txn, "DELETE FROM PendingTransactions WHERE NOT EXISTS (SELECT 1 FROM Events WHERE Id BETWEEN FirstId AND LastId)");
                _notedTail = tailNow;
                RecordNotedTail(txn);
                ClearUncheckedNumbering(txn);
                // Durable before the renumbered rows commit: the high-water mark never lags a sequence the database holds.
                var after = ReadNextSequences(_db, txn);
                _ledger.Reserve(shifts.Keys.Select(k => (k, after.GetValueOrDefault(k))));
                txn.Commit();
            }
            KeepRenumbering(shifts);
            (_events, _bytes) = Query(_db, "SELECT COUNT(*), IFNULL(SUM(length(Data)), 0) FROM Events", null, r => (r.GetInt64(0), r.GetInt64(1))).Single();
            _ledger.Proven(streamNext);
            _ledger.Settle(ReadNextSequences(_db, null));
            if (unknown.Count > 0)
                _log.LogInformation("Queue: the stream after the recorded tail holds sensors this queue database does not know (another writer's, or added " +
                                    "after an older copy of the database was taken); should this collector sample them they continue after the stream: {Sensors}",
                    string.Join(", ", unknown));
            if (delivered > 0 && rolledBack.Count == 0)
                _log.LogInformation("Queue: {Events} events of pending transactions are already in the stream after the recorded tail: completed", delivered);
            if (rolledBack.Count == 0) return false;
            _damageRanges += continued.Count + recordedEvents;
            _damageSamples += recordedSamples;
            _log.LogError("Queue database {Path} was rolled back (an older copy restored together with its sequence files): the stream after its recorded " +
                          "tail holds numbers it never issued or events it never sent. {Sensors}. Nothing is sent twice ({Delivered} pending and {Unsent} queued " +
                          "events already in the stream removed); anything the lost run queued but did not commit is lost (how much cannot be known)",
                Path.GetFullPath(_db.DataSource), string.Join("; ", rolledBack), delivered, recordedEvents);
            return true;
        }
    }
}
