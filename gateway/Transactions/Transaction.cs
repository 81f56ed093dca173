using SensorStream.Gateway.Transactions;

namespace SensorStream.Gateway.Transactions;

/// <summary>Life of a transaction inside the store (the wire status adds UNKNOWN and ABORTING).</summary>
public enum TransactionPhase { Open, Committing, Committed, Aborted }

/// <summary>
/// An open (or committing) transaction: its file, the index of its events, and its lease. <see cref="Gate"/> orders
/// writes, commit, abort and lease expiry of one transaction; different transactions proceed in parallel.
/// </summary>
public sealed class Transaction(string id, TransactionFile file, int segments, long leaseMs, long nowMs)
{
    private long _deadlineMs = nowMs + leaseMs;
    private int _phase = (int)TransactionPhase.Open;

    public string Id { get; } = id;
    public TransactionFile File { get; } = file;
    public SemaphoreSlim Gate { get; } = new(1, 1);
    public List<TransactionEventRef> Events { get; } = [];

    /// <summary>Bytes this transaction adds to each segment once merged (segment framing included).</summary>
    public long[] SegmentBytes { get; } = new long[segments];
    public int[] SegmentEvents { get; } = new int[segments];

    public long LeaseMs { get; private set; } = leaseMs;
    public long DeadlineMs => Volatile.Read(ref _deadlineMs);

    public TransactionPhase Phase
    {
        get => (TransactionPhase)Volatile.Read(ref _phase);
        set => Volatile.Write(ref _phase, (int)value);
    }

    /// <summary>Completes when the commit pipeline has committed this transaction (set once it is Committing).</summary>
    public TaskCompletionSource? Commit { get; set; }

    public bool IsExpired(long nowMs) => nowMs > DeadlineMs;

    public void Renew(long leaseMs, long nowMs)
    {
        LeaseMs = leaseMs;
        Volatile.Write(ref _deadlineMs, nowMs + leaseMs);
    }

    public void AddEvents(IEnumerable<TransactionEventRef> events)
    {
        foreach (var e in events)
        {
            Events.Add(e);
            SegmentBytes[e.Segment] += Storage.SegmentRecord.FrameSizeOf(e.EventLength);
            SegmentEvents[e.Segment]++;
        }
    }
}
