using Microsoft.Data.Sqlite;
using SensorStream.EdgeModule.Sampling;
using Microsoft.Extensions.Logging;

namespace SensorStream.EdgeModule.Queue;

/// <summary>
/// The open-time check of the queue database against the <see cref="SequenceLedger"/> kept beside it. A database
/// whose next sequence of some sensor is below what the progress file says was issued lost commits: a truncated
/// WAL, an older copy put in its place, or a damaged file moved aside. Then, in one SQL transaction:
/// every sensor continues after the highest sequence ever issued (never reusing one); pending transactions and events
/// that were already sent (delivered or in flight) are removed so nothing is sent twice; and every sample range that
/// will never reach the stream is recorded in <c>Losses</c> and logged as one error line naming sensor and range.
/// </summary>
public sealed partial class EventQueue
{
    /// <summary>Loss reason: issued samples the damaged, replaced or rolled-back database no longer holds.</summary>
    public const string DamagedReason = "lost: queue database damaged, replaced or rolled back";

    /// <summary>Loss reason: samples that were in flight to the gateway when the database lost its record of them: in the stream or lost, never sent again.</summary>
    public const string InFlightReason = "in flight at queue damage: in the stream or lost";

    /// <summary>Loss reason: the progress file was unreadable, so the sensor skips to its reserved ceiling; the range may hold lost samples.</summary>
    public const string UnprovenReason = "skipped: sequence progress unreadable, range may hold lost samples";

    /// <summary>Loss reason: an event whose bytes no longer match its checksum (removed, never shipped).</summary>
    public const string DamagedEventReason = "lost: event damaged in the queue database (checksum)";

    private static readonly string[] DamageReasons = [DamagedReason, InFlightReason, UnprovenReason, DamagedEventReason, RolledBackReason];

    /// <summary>Removes events that failed their checksum and records each as a loss with one error line (under the lock).</summary>
    private void RemoveDamaged(IReadOnlyList<QueuedEvent> damaged, string reason)
    {
        using var txn = _db.BeginTransaction();
        var now = MonotonicClock.UnixNowNanos();
        foreach (var e in damaged)
        {
            Execute(txn, "DELETE FROM Events WHERE Id = $id", ("$id", e.Id));
            Execute(txn, "INSERT INTO Losses(SensorId, FirstSequence, SampleCount, Reason, AtUnixNanos) VALUES ($k, $s, $n, $r, $t)",
                ("$k", e.RoutingKey), ("$s", e.FirstSequence), ("$n", (long)e.SampleCount), ("$r", reason), ("$t", now));
        }
        txn.Commit();
        foreach (var e in damaged)
        {
            _log.LogError("Queue damage: event {Id} fails its checksum and is removed: sensor {Sensor} samples {First}..{Last} ({Count} samples) are lost " +
                          "(recorded in Losses; if the damage hit the sensor or sequence columns themselves, the range named is the damaged one)",
                e.Id, e.RoutingKey, e.FirstSequence, e.FirstSequence + e.SampleCount - 1, e.SampleCount);
            _events--;
            _bytes -= e.Data.Length;
            _damageRanges++;
            _damageSamples += e.SampleCount;
        }
    }

    /// <summary>
    /// Checks the database against the ledger (see the class summary) and settles both sidecar files. Returns why the
    /// sequences in use cannot be proven from local files (neither sidecar file is readable: no queue files at all, the
    /// sidecars deleted or damaged), or null when they can. When not, nothing is settled: the next start asks again
    /// until <see cref="ContinueAfterStream"/> has been given what the stream holds.
    /// </summary>
    private static string? CheckAgainstLedger(SqliteConnection db, SequenceLedger ledger, string path, ILogger log)
    {
        var next = ReadNextSequences(db, null);
        var sensors = next.Keys.Union(ledger.Sensors).Order(StringComparer.Ordinal).ToList();
        if (ledger.HighWaterMarkState == SidecarState.Damaged)
            log.LogError("Sequence high-water mark {Path} is damaged ({Problem}); it is rewritten from the progress file and the queue database",
                ledger.HighWaterMarkPath, ledger.HighWaterMarkProblem);
        if (ledger.ProgressState == SidecarState.Valid)
        {
            if (sensors.Any(s => next.GetValueOrDefault(s) < ledger.Progress(s).Issued))
                RecoverRollback(db, ledger, sensors, next, path, log);
        }
        else if (ledger.HighWaterMarkState == SidecarState.Valid)
        {
            SkipToReserved(db, ledger, sensors, next, log);
        }
        else
        {
            // Neither file proves anything: the numbers in use must be learned from the stream (EventQueue.StreamProof.cs).
            var files = $"progress file {Describe(ledger.ProgressState, ledger.ProgressProblem)}, high-water mark {Describe(ledger.HighWaterMarkState, ledger.HighWaterMarkProblem)}";
            return next.Count > 0
                ? $"the queue database {path} has no readable sequence files beside it ({files}): deleted or damaged, or the database was copied here without them"
                : $"there is no queue database and no sequence file at {path} ({files}): a brand-new deployment, or every queue file was deleted";
        }
        ledger.Settle(ReadNextSequences(db, null));
        return null;
    }

    private static string Describe(SidecarState state, string? problem) => state switch
    {
        SidecarState.Damaged => $"damaged: {problem}",
        SidecarState.NeverWritten => "empty, never written (the run that created it stopped before its first write)",
        _ => state.ToString().ToLowerInvariant(),
    };

    private static void RecoverRollback(SqliteConnection db, SequenceLedger ledger, List<string> sensors, Dictionary<string, long> next, string path, ILogger log)
    {
        using var txn = db.BeginTransaction();
        var pending = Query(db, "SELECT COUNT(*) FROM PendingTransactions", txn, r => r.GetInt64(0)).Single();
        Execute(txn, "DELETE FROM PendingTransactions");
        long removedEvents = 0, lostSamples = 0, ranges = 0;
        var now = MonotonicClock.UnixNowNanos();
        foreach (var sensor in sensors)
        {
            var p = ledger.Progress(sensor);
            var continueAt = Math.Max(next.GetValueOrDefault(sensor), p.Issued);
            // Events starting before this may be in the stream (delivered, or written to a transaction): never sent again.
            var unsentFrom = Math.Max(p.InFlight, p.Delivered);
            removedEvents += Query(db, "DELETE FROM Events WHERE RoutingKey = $k AND FirstSequence < $s RETURNING Id", txn, r => r.GetInt64(0),
                ("$k", sensor), ("$s", unsentFrom)).Count;
            var covered = Query(db, "SELECT FirstSequence, SampleCount FROM Events WHERE RoutingKey = $k UNION ALL " +
                                    "SELECT FirstSequence, SampleCount FROM Losses WHERE SensorId = $k", txn, r => (r.GetInt64(0), r.GetInt64(1)), ("$k", sensor));
            foreach (var (first, end) in SequenceRanges.Uncovered(p.Delivered, continueAt, covered))
            {
                // Split at the in-flight mark: below it the samples may be in the stream after all.
                foreach (var (a, b, reason) in new[] { (first, Math.Min(end, unsentFrom), InFlightReason), (Math.Max(first, unsentFrom), end, DamagedReason) })
                {
                    if (b <= a) continue;
                    Execute(txn, "INSERT INTO Losses(SensorId, FirstSequence, SampleCount, Reason, AtUnixNanos) VALUES ($k, $s, $n, $r, $t)",
                        ("$k", sensor), ("$s", a), ("$n", b - a), ("$r", reason), ("$t", now));
                    log.LogError(reason == DamagedReason
                            ? "Queue damage: sensor {Sensor} samples {First}..{Last} ({Count} samples) are lost (a gap in the stream, recorded in Losses)"
                            : "Queue damage: sensor {Sensor} samples {First}..{Last} ({Count} samples) were in flight to the gateway: they are in the stream or lost, never sent again",
                        sensor, a, b - 1, b - a);
                    lostSamples += b - a;
                    ranges++;
                }
            }
            Execute(txn, "INSERT INTO SensorSequences(SensorId, NextSequence) VALUES ($k, $n) " +
                         "ON CONFLICT(SensorId) DO UPDATE SET NextSequence = MAX(NextSequence, excluded.NextSequence)", ("$k", sensor), ("$n", continueAt));
        }
        txn.Commit();
        log.LogError("Queue database {Path} is behind its sequence progress file {Progress} (a truncated WAL, an older copy, or a lost database): " +
                     "every sensor continues after its highest issued sequence; {Pending} pending transactions and {Removed} events already sent were removed " +
                     "(nothing is sent twice); {Lost} samples in {Ranges} ranges recorded as lost",
            path, ledger.ProgressPath, pending, removedEvents, lostSamples, ranges);
    }

    private static void SkipToReserved(SqliteConnection db, SequenceLedger ledger, List<string> sensors, Dictionary<string, long> next, ILogger log)
    {
        var skipped = sensors.Where(s => next.GetValueOrDefault(s) < ledger.Reserved(s)).ToList();
        if (skipped.Count == 0) return;
        using var txn = db.BeginTransaction();
        var now = MonotonicClock.UnixNowNanos();
        foreach (var sensor in skipped)
        {
            var (from, to) = (next.GetValueOrDefault(sensor), ledger.Reserved(sensor));
            Execute(txn, "INSERT INTO Losses(SensorId, FirstSequence, SampleCount, Reason, AtUnixNanos) VALUES ($k, $s, $n, $r, $t)",
                ("$k", sensor), ("$s", from), ("$n", to - from), ("$r", UnprovenReason), ("$t", now));
            Execute(txn, "INSERT INTO SensorSequences(SensorId, NextSequence) VALUES ($k, $n) " +
                         "ON CONFLICT(SensorId) DO UPDATE SET NextSequence = MAX(NextSequence, excluded.NextSequence)", ("$k", sensor), ("$n", to));
            log.LogError("Queue damage: sequence progress file {Progress} is {State}, so the database cannot be checked: sensor {Sensor} skips " +
                         "samples {First}..{Last} ({Count}) to its reserved ceiling (a gap in the stream that may hold lost samples, recorded in Losses)",
                ledger.ProgressPath, Describe(ledger.ProgressState, ledger.ProgressProblem), sensor, from, to - 1, to - from);
        }
        txn.Commit();
    }
}
