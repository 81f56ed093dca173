using SensorStream.Gateway.Storage;

namespace SensorStream.Gateway.Transactions;

/// <summary>Life of a transaction inside the store (the wire status adds UNKNOWN and ABORTING).</summary>
public enum TransactionPhase { Open, Committing, Committed, Aborted }

/// <summary>
/// Where one written event sits in the stream journal (its bytes at <see cref="Position"/>) and where it goes: its
/// routing key's hash, placed into a segment of the epoch current when the transaction commits
/// (<see cref="StreamEpochs.Place"/>); or, for an event journaled before the journal kept hashes, its fixed epoch-0
/// segment (<see cref="FixedSegment"/> ≥ 0).
/// </summary>
public readonly record struct TransactionEventRef(long Position, int EventLength, uint KeyHash, int FixedSegment = -1);

/// <summary>
/// An open (or committing) transaction: the index of its events in the journal, and its lease. <see cref="Gate"/>
/// orders writes, commit, abort and lease expiry of one transaction; different transactions proceed in parallel.
/// </summary>
public sealed class Transaction(Guid key, long leaseMs, long nowMs)
{
    private long _deadlineMs = nowMs + leaseMs;
    private int _phase = (int)TransactionPhase.Open;
    private long _firstPosition = -1;

    public Guid Key { get; } = key;
    public string Id { get; } = JournalFrame.IdText(key);
    public SemaphoreSlim Gate { get; } = new(1, 1);
    public List<TransactionEventRef> Events { get; } = [];

    /// <summary>Journal position of its first data frame (-1 before any): the journal is kept from here while it lives.</summary>
    public long FirstPosition => Volatile.Read(ref _firstPosition);

    /// <summary>Holds events journaled with a fixed epoch-0 segment (older journal): it can only commit while epoch 0 is current.</summary>
    public bool HasFixedSegments { get; private set; }

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

    /// <summary>
    /// Keeps the journal from <paramref name="position"/> while the transaction lives: frames of a write still being
    /// received (staged, <see cref="JournalFrameKind.StagedData"/>) that it may adopt.
    /// </summary>
    public void KeepJournalFrom(long position)
    {
        long current;
        do
        {
            current = FirstPosition;
            if (current >= 0 && current <= position) return;
        } while (Interlocked.CompareExchange(ref _firstPosition, position, current) != current);
    }

    /// <summary>Records durable events (frame positions are recorded by whoever wrote or scanned them).</summary>
    public void AddEvents(IEnumerable<TransactionEventRef> events, long firstFramePosition)
    {
        if (FirstPosition < 0) Volatile.Write(ref _firstPosition, firstFramePosition);
        foreach (var e in events)
        {
            Events.Add(e);
            if (e.FixedSegment >= 0) HasFixedSegments = true;
        }
    }
}
