namespace SensorStream.EdgeModule.Queue;

/// <summary>One queued event (a serialized SampleBatch) and where it came from.</summary>
public sealed record QueuedEvent(long Id, string RoutingKey, long FirstSequence, int SampleCount, long CreatedUnixNanos, byte[] Data);

/// <summary>A stream transaction that holds queued events <see cref="FirstId"/>..<see cref="LastId"/> and is not yet known committed.</summary>
public sealed record PendingTransaction(string TxnId, long FirstId, long LastId);

/// <summary>Samples the collector accepted but will never deliver, recorded durably so a reader's gap has an explanation.</summary>
public sealed record Loss(string SensorId, long FirstSequence, long SampleCount, string Reason);

/// <summary>The outcome of offering an event (or a file's events) to the queue.</summary>
public enum EnqueueOutcome
{
    Accepted,
    /// <summary>Accepted after dropping older events (policy drop-oldest).</summary>
    AcceptedAfterDrop,
    /// <summary>Refused: the queue is full (policy reject, or nothing left to drop).</summary>
    Rejected,
}

/// <summary>Queue state for metrics.</summary>
public sealed record QueueStats(
    long Events,
    long Bytes,
    long? OldestCreatedUnixNanos,
    long PendingTransactions,
    long RejectedEvents,
    long RejectedSamples,
    long DroppedEvents,
    long DroppedSamples)
{
    /// <summary>Ranges recorded lost because the database was damaged, replaced or rolled back (or its progress file unreadable).</summary>
    public long DamageGaps { get; init; }

    /// <summary>Samples in those ranges.</summary>
    public long DamageLostSamples { get; init; }
}
