using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SensorStream.Gateway.Transactions;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// One stream: its segments, head, transactions and pipeline. Writes, aborts and commits all go through one pipeline
/// per stream into one journal (group commit: everything waiting when a round starts shares one fsync); commits are
/// then merged into the segments and published to readers.
/// </summary>
public sealed partial class StreamStore : IAsyncDisposable
{
    private readonly StoreOptions _options;
    private readonly ILogger _log;
    private Shape _shape; // epochs and segment files, replaced together by a scale
    private readonly Journal _journal;
    private readonly CommittedIds _committedIds;
    private readonly TransactionTable _open;
    private readonly StoreHealth _health;
    /// <summary>Every transaction ever committed here (compacted: ranges of <see cref="_ids"/>' counters).</summary>
    private CommittedSet _committed = new();

    /// <summary>Ids for new transactions: sequential per opening, so committed ones compact into ranges.</summary>
    private readonly SequentialTransactionIds _ids = new();
    private readonly ConcurrentDictionary<string, long> _aborted = new();
    private readonly CancellationTokenSource _closed = new();
    private readonly Lock _headLock = new();
    private long[] _heads;
    private StreamConfig _config;

    /// <summary>The stream's epochs and the segment file of every segment number (all epochs): one consistent view.</summary>
    public sealed record Shape(StreamEpochs Epochs, SegmentFile[] Segments);

    private StreamStore(string scope, string stream, StreamPaths paths, StreamConfig config, SegmentFile[] segments,
        Journal journal, CommittedIds committedIds, long[] heads, StoreOptions options, CountedLimit budget, StoreHealth health, ILogger log)
    {
        _health = health;
        _open = new TransactionTable(options, budget, $"{scope}/{stream}");
        Scope = scope;
        Stream = stream;
        Paths = paths;
        _config = config;
        _shape = new Shape(config.Layout(), segments);
        _journal = journal;
        _committedIds = committedIds;
        _heads = heads;
        _options = options;
        _log = log;
        _writtenEnds = segments.Select(s => s.End).ToArray();
        _autoScaler = new AutoScaler(options.AutoScaling, options.Clock());
        _rounds = new GroupCommitQueue(RunRound);
    }

    public string Scope { get; }
    public string Stream { get; }
    public StreamPaths Paths { get; }
    public StreamConfig Config => Volatile.Read(ref _config);
    /// <summary>Epochs and segment files as of now (a scale replaces it; segments are only ever added).</summary>
    public Shape Current => Volatile.Read(ref _shape);

    /// <summary>Segments of all epochs.</summary>
    public int SegmentCount => Current.Segments.Length;

    /// <summary>Every segment file by segment number (all epochs; the sealed ones no longer grow).</summary>
    public IReadOnlyList<SegmentFile> Segments => Current.Segments;

    /// <summary>The stream's epochs and segment graph.</summary>
    public StreamEpochs Epochs => Current.Epochs;
    public AppendSignal Appended { get; } = new();

    /// <summary>A journal write, fsync or merge failed in a way only recovery can sort out: the stream refuses work until reopened.</summary>
    public bool Faulted => _fault is not null;

    /// <summary>Cancelled when the stream is deleted or the store shuts down: tailing readers end.</summary>
    public CancellationToken Closed => _closed.Token;

    public override string ToString() => $"{Scope}/{Stream}";

    // ---- bounds ----

    /// <summary>The head: one offset per segment number (at least as many as <see cref="Current"/> had before the call).</summary>
    public long[] Heads()
    {
        lock (_headLock) return (long[])_heads.Clone();
    }

    /// <summary>The tail: each segment's end (a sealed segment's end is final).</summary>
    public long[] Tails() => Current.Segments.Select(s => s.End).ToArray();

    public void UpdateRetention(RetentionKind kind, long param)
    {
        lock (_configLock)
        {
            var updated = Config with { Retention = kind, RetentionParam = param };
            updated.Save(Paths.ConfigFile);
            Volatile.Write(ref _config, updated);
        }
    }

    // ---- transactions ----

    /// <summary>
    /// A new open transaction with a lease of <paramref name="leaseMs"/> (0: the default). <paramref name="callScoped"/>
    /// marks one that lives only for the WriteEvents call that begins it (committed or aborted before the call
    /// ends): it is not counted against <c>--max-open-transactions(-per-stream)</c>, which bound the transactions that
    /// outlive their calls (BeginTransaction), so a client holding many of those never blocks other writers' WriteEvents.
    /// </summary>
    /// <exception cref="StoreException">INVALID_ARGUMENT for a lease out of range; RESOURCE_EXHAUSTED over a limit.</exception>
    public Transaction Begin(long leaseMs, bool callScoped = false)
    {
        ThrowIfClosed();
        var lease = leaseMs == 0 ? _options.DefaultLeaseMs : leaseMs;
        if (lease < 0 || lease > _options.MaxLeaseMs)
            throw new StoreException(StoreError.InvalidArgument, $"lease_ms {leaseMs} is out of range (1..{_options.MaxLeaseMs}, or 0 for the default {_options.DefaultLeaseMs})");
        // Nothing on disk yet: the first write journals it. A transaction lost before its first write is simply unknown.
        var txn = new Transaction(_ids.Next(), lease, _options.Clock());
        _open.Add(txn, callScoped: callScoped);
        return txn;
    }

    /// <summary>
    /// Durably appends events to an open transaction; returns how many were written. With <paramref name="staged"/>,
    /// the events staged earlier by the same request (<see cref="StageAsync"/>) join the transaction first, in the same
    /// fsync: all of the request or nothing of it. With <paramref name="commit"/>, the transaction commits in the same
    /// round (one fsync for the write and the commit decision) and this returns once it is durable and visible.
    /// </summary>
    public async Task<long> AppendAsync(string txnId, IReadOnlyList<(string RoutingKey, ReadOnlyMemory<byte> Event)> events, CancellationToken ct,
        StagedWrite? staged = null, bool commit = false)
    {
        var txn = FindOpen(txnId, "write to");
        var routed = Route(events);
        var count = events.Count + (staged?.Events.Count ?? 0);
        TaskCompletionSource? committed = null;
        await txn.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            EnsureStillOpen(txn, "write to");
            if (routed.Count == 0 && staged is null && !commit) return 0;
            ThrowIfClosed();
            var work = new PipelineWork(PipelineWorkKind.Write, txn, routed)
            {
                StageId = staged?.Id, Adopted = staged?.Events ?? [], AdoptedFrom = staged?.FirstFrame ?? -1, CommitAfter = commit,
            };
            if (commit)
            {
                txn.Commit = committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                txn.Phase = TransactionPhase.Committing;
            }
            if (!_rounds.TrySubmit(work))
            {
                (txn.Phase, txn.Commit) = (TransactionPhase.Open, null);
                throw new StoreException(StoreError.Unavailable, $"stream {this} is shutting down");
            }
            // Acknowledged only once durable; the round adds the events to the transaction before this completes.
            if (!commit) await work.Done.Task.ConfigureAwait(false);
        }
        finally
        {
            txn.Gate.Release();
        }
        // Not cancelled with the caller (as CommitAsync): a commit that was queued completes anyway.
        if (committed is not null) await committed.Task.ConfigureAwait(false);
        return count;
    }

    /// <summary>
    /// Journals part of a write request that is still being received, under the request's stage id: not part of the
    /// transaction (nor visible, nor durable by itself) until the request's last <see cref="AppendAsync"/> adopts it. A
    /// request that fails or is cancelled before then leaves only journal bytes that belong to nothing. The transaction
    /// keeps the journal from the part's first frame while it lives.
    /// </summary>
    public async Task StageAsync(string txnId, StagedWrite staged, IReadOnlyList<(string RoutingKey, ReadOnlyMemory<byte> Event)> events)
    {
        var txn = FindOpen(txnId, "write to");
        if (events.Count == 0) return;
        var work = new PipelineWork(PipelineWorkKind.Stage, txn, Route(events)) { StageId = staged.Id };
        if (!_rounds.TrySubmit(work)) throw new StoreException(StoreError.Unavailable, $"stream {this} is shutting down");
        await work.Done.Task.ConfigureAwait(false);
        if (staged.FirstFrame < 0) staged.FirstFrame = work.FirstFrame;
        staged.Events.AddRange(work.Written!);
    }

    private static List<(uint, ReadOnlyMemory<byte>)> Route(IReadOnlyList<(string RoutingKey, ReadOnlyMemory<byte> Event)> events)
    {
        var routed = new List<(uint, ReadOnlyMemory<byte>)>(events.Count);
        foreach (var (key, evt) in events) routed.Add((SegmentRouter.KeyHash(key), evt));
        return routed;
    }

    /// <summary>Commits (idempotent). Returns once the events are durable and visible to readers.</summary>
    public async Task<TransactionPhase> CommitAsync(string txnId, CancellationToken ct)
    {
        if (_committed.Contains(txnId)) return TransactionPhase.Committed;
        var txn = FindOpen(txnId, "commit");
        TaskCompletionSource commit;
        await txn.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            switch (txn.Phase)
            {
                case TransactionPhase.Committed:
                    return TransactionPhase.Committed;
                case TransactionPhase.Committing:
                    commit = txn.Commit!;
                    break;
                default:
                    EnsureStillOpen(txn, "commit");
                    ThrowIfClosed();
                    commit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    txn.Commit = commit;
                    txn.Phase = TransactionPhase.Committing;
                    if (!_rounds.TrySubmit(new PipelineWork(PipelineWorkKind.Commit, txn)))
                    {
                        txn.Phase = TransactionPhase.Open;
                        throw new StoreException(StoreError.Unavailable, $"stream {this} is shutting down");
                    }
                    break;
            }
        }
        finally
        {
            txn.Gate.Release();
        }
        // Not cancelled with the caller: a commit that was queued completes anyway.
        await commit.Task.ConfigureAwait(false);
        return TransactionPhase.Committed;
    }

    public async Task<TransactionPhase> AbortAsync(string txnId, CancellationToken ct)
    {
        if (_committed.Contains(txnId))
            throw new StoreException(StoreError.FailedPrecondition, $"transaction {txnId} is already committed and cannot be aborted");
        if (_aborted.ContainsKey(txnId)) return TransactionPhase.Aborted;
        if (!_open.TryGetValue(txnId, out var txn)) throw UnknownTransaction(txnId);
        await txn.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            switch (txn.Phase)
            {
                case TransactionPhase.Aborted: return TransactionPhase.Aborted;
                case TransactionPhase.Open:
                    AbortLocked(txn, "aborted by the client");
                    return TransactionPhase.Aborted;
                default:
                    throw new StoreException(StoreError.FailedPrecondition, $"transaction {txnId} is {txn.Phase} and cannot be aborted");
            }
        }
        finally
        {
            txn.Gate.Release();
        }
    }

    /// <summary>Status for GetTransactionStatus: null when this stream never had (or has forgotten) the transaction.</summary>
    public TransactionPhase? Status(string txnId)
    {
        if (_committed.Contains(txnId)) return TransactionPhase.Committed;
        if (_open.TryGetValue(txnId, out var txn)) return txn.Phase;
        if (_aborted.ContainsKey(txnId)) return TransactionPhase.Aborted;
        return null;
    }

    /// <summary>Renews the lease of an open transaction; answers the status of a finished one.</summary>
    public TransactionPhase Ping(string txnId, long leaseMs)
    {
        if (Status(txnId) is not { } phase) throw UnknownTransaction(txnId);
        if (phase != TransactionPhase.Open || !_open.TryGetValue(txnId, out var txn)) return phase;
        var lease = leaseMs == 0 ? txn.LeaseMs : leaseMs;
        if (lease < 0 || lease > _options.MaxLeaseMs)
            throw new StoreException(StoreError.InvalidArgument, $"lease_ms {leaseMs} is out of range (1..{_options.MaxLeaseMs}, or 0 to keep the lease)");
        txn.Renew(lease, _options.Clock());
        return txn.Phase;
    }

    /// <summary>Aborts open transactions whose lease ran out (O(expiring)); forgets old aborted statuses.</summary>
    public void ExpireLeases()
    {
        var now = _options.Clock();
        foreach (var txn in _open.Expired(now))
        {
            if (!txn.Gate.Wait(0))
            {
                _open.Requeue(txn); // busy: a write or commit holds it; try again next round
                continue;
            }
            try
            {
                if (txn.Phase == TransactionPhase.Open && txn.IsExpired(now))
                    AbortLocked(txn, $"lease of {txn.LeaseMs} ms expired");
            }
            finally
            {
                txn.Gate.Release();
            }
        }
        var forgetBefore = now - (long)_options.AbortedStatusMemory.TotalMilliseconds;
        foreach (var (id, at) in _aborted)
            if (at < forgetBefore) _aborted.TryRemove(id, out _);
    }

    private void AbortLocked(Transaction txn, string reason)
    {
        txn.Phase = TransactionPhase.Aborted;
        _aborted[txn.Id] = _options.Clock();
        if (txn.FirstPosition >= 0 || txn.Events.Count > 0)
        {
            // Its data stays in the journal until the abort frame is durable; not awaited (no caller needs it), and if a
            // crash loses it the transaction comes back open, to expire again.
            _aborting[txn.Id] = txn;
            if (!_rounds.TrySubmit(new PipelineWork(PipelineWorkKind.Abort, txn))) _aborting.TryRemove(txn.Id, out _);
        }
        _open.TryRemove(txn.Id, out _);
        _log.LogInformation("Transaction {Txn} on {Stream} aborted: {Reason}", txn.Id, this, reason);
    }

    private Transaction FindOpen(string txnId, string action)
    {
        ThrowIfClosed();
        if (_open.TryGetValue(txnId, out var txn)) return txn;
        if (_committed.Contains(txnId))
            throw new StoreException(StoreError.FailedPrecondition, $"cannot {action} transaction {txnId}: it is already committed");
        if (_aborted.ContainsKey(txnId))
            throw new StoreException(StoreError.FailedPrecondition, $"cannot {action} transaction {txnId}: it was aborted (or its lease expired)");
        throw UnknownTransaction(txnId);
    }

    private void EnsureStillOpen(Transaction txn, string action)
    {
        if (txn.Phase == TransactionPhase.Open && txn.IsExpired(_options.Clock()))
            AbortLocked(txn, $"lease of {txn.LeaseMs} ms expired");
        if (txn.Phase != TransactionPhase.Open)
            throw new StoreException(StoreError.FailedPrecondition,
                $"cannot {action} transaction {txn.Id}: it is {(txn.Phase == TransactionPhase.Aborted ? "aborted (or its lease expired)" : txn.Phase.ToString().ToLowerInvariant())}");
    }

    private StoreException UnknownTransaction(string txnId) =>
        new(StoreError.NotFound, $"transaction {txnId} does not exist on stream {this}");

    private void ThrowIfClosed()
    {
        if (_closed.IsCancellationRequested) throw new StoreException(StoreError.Unavailable, $"stream {this} is closed");
    }
}
