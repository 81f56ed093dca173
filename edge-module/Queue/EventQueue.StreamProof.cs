using Microsoft.Extensions.Logging;
using SensorStream.EdgeModule.Sampling;

namespace SensorStream.EdgeModule.Queue;

/// <summary>
/// The proof from the stream, for a start whose local files cannot prove which sequence numbers are free (no queue
/// files at all, or a database without readable sequence files: see <see cref="SequencesUnproven"/>). The caller reads the
/// highest sequence per sensor the stream already holds (<c>Transactions/StreamSequenceScan</c>) and hands it to
/// <see cref="ContinueAfterStream"/> before any sample is numbered or any queued event is shipped.
/// </summary>
public sealed partial class EventQueue
{
    /// <summary>
    /// Why the sequences in use cannot be proven from the files beside the database (one sentence naming them), or null
    /// when they can. While it is set, nothing may be numbered from <see cref="NextSequences"/> nor shipped.
    /// </summary>
    public string? SequencesUnproven { get; private set; }

    /// <summary>
    /// Continues every sensor after what the stream holds, in one SQL transaction, then writes both sequence files (so a
    /// later start is proven locally again). <paramref name="streamNext"/> is, per sensor (routing key), one past the
    /// highest sequence the stream holds; sensors it does not name hold nothing there. For each sensor: queued events that
    /// start below that point are removed and recorded "in the stream or lost" (never sent again); the sensor continues at
    /// the larger of that point and its database sequence; when the stream is ahead of the database, one error line says
    /// that anything queued but not committed before the loss is lost (how much cannot be known: the lost files held it)
    /// and the sensor counts one damage gap with no known sample count. Pending rows left without events are removed.
    /// Does nothing once proven.
    /// </summary>
    public void ContinueAfterStream(IReadOnlyDictionary<string, long> streamNext)
    {
        lock (_gate)
        {
            if (SequencesUnproven is not { } reason) return;
            var next = ReadNextSequences(_db, null);
            var now = MonotonicClock.UnixNowNanos();
            var continued = new Dictionary<string, long>();
            var lines = new List<Action>();
            long unknownGaps = 0;
            using (var txn = _db.BeginTransaction())
            {
                foreach (var sensor in next.Keys.Union(streamNext.Keys).Order(StringComparer.Ordinal))
                {
                    var inStream = streamNext.GetValueOrDefault(sensor);
                    var local = next.GetValueOrDefault(sensor);
                    var removed = Query(_db, "DELETE FROM Events WHERE RoutingKey = $k AND FirstSequence < $s RETURNING FirstSequence, SampleCount", txn,
                        r => (First: r.GetInt64(0), Count: r.GetInt64(1)), ("$k", sensor), ("$s", inStream));
                    foreach (var (first, count) in removed)
                        Execute(txn, "INSERT INTO Losses(SensorId, FirstSequence, SampleCount, Reason, AtUnixNanos) VALUES ($k, $s, $n, $r, $t)",
                            ("$k", sensor), ("$s", first), ("$n", count), ("$r", InFlightReason), ("$t", now));
                    var at = Math.Max(local, inStream);
                    continued[sensor] = at;
                    Execute(txn, "INSERT INTO SensorSequences(SensorId, NextSequence) VALUES ($k, $n) " +
                                 "ON CONFLICT(SensorId) DO UPDATE SET NextSequence = MAX(NextSequence, excluded.NextSequence)", ("$k", sensor), ("$n", at));
                    if (removed.Count > 0)
                        lines.Add(() => _log.LogError("Queue damage: {Events} queued events of sensor {Sensor} start below the stream's sequence {Next} " +
                                                      "and are removed (recorded in Losses as in the stream or lost, never sent again)", removed.Count, sensor, inStream));
                    if (inStream > local)
                    {
                        unknownGaps++;
                        RecordUncountedGap(txn, sensor, inStream, DamagedReason, now);
                        lines.Add(() => _log.LogError("Queue lost ({Reason}): the stream holds sensor {Sensor} up to sequence {Last}; continuing at {Next}; " +
                                                      "anything queued but not committed before the loss is lost (how much cannot be known)",
                            reason, sensor, inStream - 1, inStream));
                    }
                    else if (inStream > 0)
                    {
                        lines.Add(() => _log.LogInformation("Sequences proven from the stream: it holds sensor {Sensor} up to sequence {Last}; the queue database " +
                                                            "continues at {Next}", sensor, inStream - 1, local));
                    }
                }
                Execute(txn, "DELETE FROM PendingTransactions WHERE NOT EXISTS (SELECT 1 FROM Events WHERE Id BETWEEN FirstId AND LastId)");
                RecordNotedTail(txn); // the tail the scan ended at (noted by the caller): the next start reads only what follows it
                // A run that numbered before a check it never reached: the proof supersedes that check (its events were judged above).
                DeleteStartPoints(txn);
                txn.Commit();
            }
            (_events, _bytes) = Query(_db, "SELECT COUNT(*), IFNULL(SUM(length(Data)), 0) FROM Events", null, r => (r.GetInt64(0), r.GetInt64(1))).Single();
            foreach (var line in lines) line();
            if (streamNext.Count == 0)
                _log.LogInformation("Sequences proven from the stream: it holds no sample of any sensor ({Reason}); every sensor continues at its queue " +
                                    "database's sequence (0 for a new one)", reason);
            _damageRanges += unknownGaps;
            _ledger.Proven(streamNext);
            _ledger.Settle(continued);
            SequencesUnproven = null;
        }
    }
}
