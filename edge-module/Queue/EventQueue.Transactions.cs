namespace SensorStream.EdgeModule.Queue;

/// <summary>The coordinator's side of the queue: reading events and the pending-transaction bookkeeping of the two-phase commit.</summary>
public sealed partial class EventQueue
{
    /// <summary>
    /// The oldest queued events (after <paramref name="afterId"/>: the last event of a transaction still in flight, 0 for
    /// none) for a new stream transaction, reserved: drop-oldest never deletes them while
    /// they are being written (they would reach the stream and also be recorded as lost). Pending rows protect
    /// them from <see cref="RecordPending"/> on; <see cref="ReleaseReservation"/> when the write fails before that.
    /// </summary>
    public IReadOnlyList<QueuedEvent> ReserveForTransaction(int maxEvents, long maxBytes, long afterId = 0)
    {
        lock (_gate)
        {
            var events = ReadAfter(afterId, maxEvents, maxBytes);
            _ledger.InFlight(events); // before they can reach the gateway (throws when that cannot be recorded)
            _reservedThrough = events.Count > 0 ? events[^1].Id : 0;
            return events;
        }
    }

    public void ReleaseReservation()
    {
        lock (_gate)
        {
            _reservedThrough = 0;
            _ledger.ReleaseInFlight();
        }
    }

    /// <summary>Events after <paramref name="afterId"/> in id order, at most <paramref name="maxEvents"/> and (beyond the first) <paramref name="maxBytes"/>.</summary>
    /// <remarks>An event failing its checksum is removed and its range recorded lost (see <see cref="RemoveDamaged"/>), never returned.</remarks>
    public IReadOnlyList<QueuedEvent> ReadAfter(long afterId, int maxEvents, long maxBytes)
    {
        lock (_gate)
        {
            while (true)
            {
                var result = new List<QueuedEvent>();
                var damaged = new List<QueuedEvent>();
                long bytes = 0;
                using (var command = _db.CreateCommand())
                {
                    command.CommandText = $"SELECT {EventColumns} FROM Events WHERE Id > $a ORDER BY Id LIMIT $n";
                    command.Parameters.AddWithValue("$a", afterId);
                    command.Parameters.AddWithValue("$n", maxEvents);
                    using var reader = command.ExecuteReader();
                    while (reader.Read())
                    {
                        var e = ReadEvent(reader);
                        if (!EventChecksum.Matches(reader, e))
                        {
                            damaged.Add(e);
                            continue;
                        }
                        if (result.Count > 0 && bytes + e.Data.Length > maxBytes) break;
                        bytes += e.Data.Length;
                        result.Add(e);
                    }
                }
                if (damaged.Count == 0) return result;
                RemoveDamaged(damaged, DamagedEventReason);
            }
        }
    }

    /// <summary>The events of a pending transaction, in id order.</summary>
    public IReadOnlyList<QueuedEvent> ReadRange(long firstId, long lastId)
    {
        lock (_gate)
        {
            var events = Query(_db, $"SELECT {EventColumns} FROM Events WHERE Id BETWEEN $a AND $b ORDER BY Id",
                null, r => (Event: ReadEvent(r), Intact: EventChecksum.Matches(r, ReadEvent(r))), ("$a", firstId), ("$b", lastId));
            // Already written to a transaction once: whether they are in the stream is the gateway's word, so "in flight".
            if (events.Any(e => !e.Intact)) RemoveDamaged(events.Where(e => !e.Intact).Select(e => e.Event).ToList(), InFlightReason);
            return events.Where(e => e.Intact).Select(e => e.Event).ToList();
        }
    }

    /// <summary>
    /// When the first event after <paramref name="afterId"/> was queued (<see cref="QueuedEvent.CreatedUnixNanos"/>, the
    /// collector's monotonic Unix clock), or null when none is queued after it.
    /// </summary>
    public long? QueuedAfter(long afterId)
    {
        lock (_gate)
            return _lastId <= afterId ? null
                : Query(_db, "SELECT CreatedUnixNanos FROM Events WHERE Id > $a ORDER BY Id LIMIT 1", null, r => (long?)r.GetInt64(0), ("$a", afterId)).FirstOrDefault();
    }

    private const string EventColumns = "Id, RoutingKey, FirstSequence, SampleCount, CreatedUnixNanos, Data, Crc";

    private static QueuedEvent ReadEvent(Microsoft.Data.Sqlite.SqliteDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetInt32(3), r.GetInt64(4), (byte[])r.GetValue(5));

    /// <summary>Pending transactions in the order their events were queued (recovery must keep that order).</summary>
    public IReadOnlyList<PendingTransaction> Pending()
    {
        lock (_gate)
            return Query(_db, "SELECT TxnId, FirstId, LastId FROM PendingTransactions ORDER BY FirstId", null,
                r => new PendingTransaction(r.GetString(0), r.GetInt64(1), r.GetInt64(2)));
    }

    /// <summary>Step b: records (T, a, b) as pending in one SQL transaction.</summary>
    public void RecordPending(PendingTransaction pending)
    {
        lock (_gate)
        {
            using var txn = _db.BeginTransaction();
            Execute(txn, "INSERT INTO PendingTransactions(TxnId, FirstId, LastId) VALUES ($t, $a, $b)",
                ("$t", pending.TxnId), ("$a", pending.FirstId), ("$b", pending.LastId));
            txn.Commit();
            _reservedThrough = 0; // the pending row protects them now
            _ledger.KeepInFlight(); // and they may be committed from now on, even if this attempt fails
        }
    }

    /// <summary>Recovery of an aborted/unknown transaction: the same events now live in <paramref name="replacement"/> (one SQL transaction).</summary>
    public void ReplacePending(string oldTxnId, PendingTransaction replacement)
    {
        lock (_gate)
        {
            using var txn = _db.BeginTransaction();
            Execute(txn, "DELETE FROM PendingTransactions WHERE TxnId = $t", ("$t", oldTxnId));
            Execute(txn, "INSERT INTO PendingTransactions(TxnId, FirstId, LastId) VALUES ($t, $a, $b)",
                ("$t", replacement.TxnId), ("$a", replacement.FirstId), ("$b", replacement.LastId));
            txn.Commit();
        }
    }

    /// <summary>
    /// Step d: the transaction is known committed; deletes its events and its pending row in one SQL transaction, with the
    /// stream tail noted since the last commit (<see cref="NoteStreamTail"/>).
    /// </summary>
    public void Complete(PendingTransaction pending)
    {
        lock (_gate)
        {
            using var txn = _db.BeginTransaction();
            var (count, bytes) = Query(_db, "SELECT COUNT(*), IFNULL(SUM(length(Data)), 0) FROM Events WHERE Id BETWEEN $a AND $b", txn,
                r => (r.GetInt64(0), r.GetInt64(1)), ("$a", pending.FirstId), ("$b", pending.LastId)).Single();
            var delivered = Query(_db, "SELECT RoutingKey, MAX(FirstSequence + SampleCount) FROM Events WHERE Id BETWEEN $a AND $b GROUP BY RoutingKey", txn,
                r => (r.GetString(0), r.GetInt64(1)), ("$a", pending.FirstId), ("$b", pending.LastId));
            Execute(txn, "DELETE FROM Events WHERE Id BETWEEN $a AND $b", ("$a", pending.FirstId), ("$b", pending.LastId));
            Execute(txn, "DELETE FROM PendingTransactions WHERE TxnId = $t", ("$t", pending.TxnId));
            RecordNotedTail(txn); // the stream tail noted since the last commit, if any (EventQueue.StreamTail.cs)
            txn.Commit();
            _ledger.Delivered(delivered);
            _events -= count;
            _bytes -= bytes;
        }
    }
}
