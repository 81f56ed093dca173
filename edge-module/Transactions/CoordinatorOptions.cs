namespace SensorStream.EdgeModule.Transactions;

public sealed record CoordinatorOptions
{
    /// <summary>Most queued events per stream transaction.</summary>
    public int MaxEventsPerTransaction { get; init; } = 100;

    /// <summary>Most event bytes per stream transaction (beyond its first event).</summary>
    public long MaxBytesPerTransaction { get; init; } = 8L * 1024 * 1024;

    /// <summary>
    /// Explicit-transaction protocol: most transactions in flight at once, 1 or 2 (default 2). With 2, while transaction N's
    /// commit call is under way the next queued events are taken into transaction N+1 (begun, recorded pending, written
    /// without commit), and N+1 is committed only once N's commit is acknowledged: commit order, and so each routing key's
    /// order, stays the queue's order. 1 ships one transaction at a time. The public protocol, and a queue with
    /// <c>QueueFullPolicy.DropOldest</c> (a pending transaction's events cannot be dropped), always ship one at a time.
    /// </summary>
    public int PipelineDepth
    {
        get;
        init => field = value is 1 or 2 ? value : throw new ArgumentOutOfRangeException(nameof(PipelineDepth), value, "pipeline depth must be 1 or 2 transactions");
    } = 2;

    /// <summary>An uncommitted stream transaction aborts on the gateway after this long (recovery then rewrites it).</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>First back-off after a failure; doubles (with jitter) up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryFirstDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the coordinator waits for new events before looking again (events also wake it at once).</summary>
    public TimeSpan IdlePoll { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Public protocol only: a write's outcome is final this long after its range and cut were recorded. The write call
    /// gets half of it as its deadline; the other half covers a decided commit the target has not made visible yet. A
    /// read-back that finds none of the range's events rewrites them only after the window (docs/guarantees.md).
    /// </summary>
    public TimeSpan OutcomeWindow { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// This collector's writer id for the stream's event-time watermark (<see cref="CollectorEventTime.WriterIdFor"/>);
    /// null = commits carry no event time.
    /// </summary>
    public string? WriterId { get; init; }

    /// <summary>The coordinator's clock (tests pin it): paces the stream-tail asks (<see cref="StreamTailRecorder.Every"/>).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
