using System.Collections.Concurrent;
using SensorStream.Gateway.Transactions;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// The open (and committing) transactions of one stream, bounded: at most <see cref="StoreOptions.MaxOpenTransactionsPerStream"/>
/// here and <see cref="StoreOptions.MaxOpenTransactions"/> across the gateway (a <see cref="CountedLimit"/>); Begin over
/// either is RESOURCE_EXHAUSTED naming the limit. Leases sit in a priority queue by deadline, so lease expiry costs
/// O(expiring · log open), not a scan of every open transaction. Renewals are lazy: a popped transaction whose deadline
/// moved goes back in at its new deadline.
/// </summary>
internal sealed class TransactionTable(StoreOptions options, CountedLimit budget, string stream)
{
    private readonly ConcurrentDictionary<string, Transaction> _open = new();
    private readonly PriorityQueue<Transaction, long> _leases = new();
    private readonly Lock _leaseLock = new();
    private readonly ConcurrentDictionary<string, byte> _callScoped = new();
    private int _count;

    /// <summary>Open and committing transactions of this stream.</summary>
    public int Count => Volatile.Read(ref _count);

    public ICollection<Transaction> Values => _open.Values;

    public bool TryGetValue(string id, out Transaction txn) => _open.TryGetValue(id, out txn!);

    /// <summary>
    /// Adds a new transaction, or RESOURCE_EXHAUSTED when a limit is reached. <paramref name="recovered"/> ones always
    /// fit (and count); <paramref name="callScoped"/> ones — living only for the WriteEvents call that began them —
    /// always fit and take no slot.
    /// </summary>
    public void Add(Transaction txn, bool recovered = false, bool callScoped = false)
    {
        if (callScoped)
        {
            _callScoped[txn.Id] = 0;
            _open[txn.Id] = txn;
            lock (_leaseLock) _leases.Enqueue(txn, txn.DeadlineMs);
            return;
        }
        if (Interlocked.Increment(ref _count) > options.MaxOpenTransactionsPerStream && !recovered)
        {
            Interlocked.Decrement(ref _count);
            throw new StoreException(StoreError.ResourceExhausted,
                $"stream {stream} has {options.MaxOpenTransactionsPerStream} open transactions, the limit (--max-open-transactions-per-stream): commit or abort some first");
        }
        if (!budget.TryTake(1, force: recovered))
        {
            Interlocked.Decrement(ref _count);
            throw new StoreException(StoreError.ResourceExhausted,
                $"the gateway has {options.MaxOpenTransactions} open transactions, the limit (--max-open-transactions): commit or abort some first");
        }
        _open[txn.Id] = txn;
        lock (_leaseLock) _leases.Enqueue(txn, txn.DeadlineMs);
    }

    /// <summary>Removes a transaction that committed or aborted; false when it was not here.</summary>
    public bool TryRemove(string id, out Transaction? txn)
    {
        if (!_open.TryRemove(id, out txn)) return false;
        if (_callScoped.TryRemove(id, out _)) return true;
        Interlocked.Decrement(ref _count);
        budget.Release(1);
        return true;
    }

    /// <summary>Open transactions whose lease ran out by <paramref name="now"/>; each is popped (call <see cref="Requeue"/> to keep it).</summary>
    public List<Transaction> Expired(long now)
    {
        var due = new List<Transaction>();
        lock (_leaseLock)
        {
            while (_leases.TryPeek(out var txn, out var deadline) && deadline < now)
            {
                _leases.Dequeue();
                if (!_open.ContainsKey(txn.Id)) continue; // finished: its queue entry just goes
                if (txn.DeadlineMs >= now || txn.Phase != TransactionPhase.Open)
                    _leases.Enqueue(txn, Math.Max(txn.DeadlineMs, now + 1000)); // renewed, or committing: look again later
                else
                    due.Add(txn);
            }
        }
        return due;
    }

    /// <summary>Puts an expired transaction that could not be aborted now (busy) back, to be looked at next round.</summary>
    public void Requeue(Transaction txn)
    {
        if (!_open.ContainsKey(txn.Id)) return;
        lock (_leaseLock) _leases.Enqueue(txn, txn.DeadlineMs);
    }

    /// <summary>Gives every slot back to the gateway's budget (the stream is closed or deleted).</summary>
    public void ReleaseAll()
    {
        foreach (var id in _open.Keys) TryRemove(id, out _);
    }
}
