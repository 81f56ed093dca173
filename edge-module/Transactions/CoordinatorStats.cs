namespace SensorStream.EdgeModule.Transactions;

/// <summary>What the coordinator has done (updated by its loop, read by metrics).</summary>
public sealed class CoordinatorStats
{
    private long _committedTransactions, _committedEvents, _committedSamples, _recovered, _rewritten, _errors;
    private volatile string? _lastError;
    private volatile bool _gatewayAvailable;
    private volatile bool _publicProtocol;
    private long _readBacks, _readBackEvents, _lastReadBackMicros;
    private long _pipelined, _idleWithWorkNanos;

    public long CommittedTransactions => Interlocked.Read(ref _committedTransactions);
    public long CommittedEvents => Interlocked.Read(ref _committedEvents);
    public long CommittedSamples => Interlocked.Read(ref _committedSamples);

    /// <summary>Pending transactions found open/committing/committed at recovery and finished.</summary>
    public long RecoveredTransactions => Interlocked.Read(ref _recovered);

    /// <summary>Pending transactions found aborted/unknown and rewritten into a new transaction.</summary>
    public long RewrittenTransactions => Interlocked.Read(ref _rewritten);

    /// <summary>Failed attempts (gateway unreachable, RPC errors, ...), each followed by a back-off.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    public string? LastError => _lastError;

    public bool GatewayAvailable => _gatewayAvailable;

    /// <summary>"extended" (explicit transactions) or "public" (recorded cut + read-back, after the extension RPCs answered UNIMPLEMENTED).</summary>
    public string Protocol => _publicProtocol ? "public" : "extended";

    /// <summary>Public protocol: recovery reads of the stream from a recorded cut.</summary>
    public long RecoveryReads => Interlocked.Read(ref _readBacks);

    /// <summary>Public protocol: events those recovery reads went through (every writer's, from the cut to the tail).</summary>
    public long RecoveryReadEvents => Interlocked.Read(ref _readBackEvents);

    /// <summary>Duration of the last recovery read (zero before the first).</summary>
    public TimeSpan LastRecoveryRead => TimeSpan.FromMicroseconds(Interlocked.Read(ref _lastReadBackMicros));

    /// <summary>
    /// Transactions begun, recorded and written while the previous one was committing (pipeline depth 2), so they
    /// committed right behind it.
    /// </summary>
    public long PipelinedTransactions => Interlocked.Read(ref _pipelined);

    /// <summary>
    /// Time queued events waited while the coordinator could take none of them because it was waiting for the gateway's
    /// answer to a commit (each wait counted from the later of its start and the first waiting event's enqueue time).
    /// With one transaction in flight every event arriving during a commit call waits; with two it is taken at once unless
    /// both are already in flight.
    /// </summary>
    public TimeSpan IdleWithWorkQueued => TimeSpan.FromTicks(Interlocked.Read(ref _idleWithWorkNanos) / 100);

    internal void Pipelined() => Interlocked.Increment(ref _pipelined);

    internal void IdleWithWork(long nanos)
    {
        if (nanos > 0) Interlocked.Add(ref _idleWithWorkNanos, nanos);
    }

    internal void UsePublicProtocol() => _publicProtocol = true;

    internal void ReadBack(ReadBackResult read)
    {
        Interlocked.Increment(ref _readBacks);
        Interlocked.Add(ref _readBackEvents, read.EventsRead);
        Interlocked.Exchange(ref _lastReadBackMicros, (long)read.Elapsed.TotalMicroseconds);
    }

    internal void Committed(int events, long samples)
    {
        Interlocked.Increment(ref _committedTransactions);
        Interlocked.Add(ref _committedEvents, events);
        Interlocked.Add(ref _committedSamples, samples);
        _gatewayAvailable = true;
    }

    internal void Recovered() => Interlocked.Increment(ref _recovered);
    internal void Rewritten() => Interlocked.Increment(ref _rewritten);
    internal void Reachable() => _gatewayAvailable = true;

    internal void Failed(string error)
    {
        Interlocked.Increment(ref _errors);
        _lastError = error;
        _gatewayAvailable = false;
    }
}
