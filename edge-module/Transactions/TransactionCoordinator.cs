using Grpc.Core;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using SensorStream.EdgeModule.Queue;
using SensorStream.EdgeModule.Sampling;
using SensorStream.Streams.Client;
using SensorStream.Streams.Configuration.Catalogs;
using SensorStream.Streams.Events;
using SensorStream.Streams.Naming;

namespace SensorStream.EdgeModule.Transactions;

/// <summary>
/// Ships the SQLite queue into the stream exactly once (DESIGN.md §3):
/// a. begin stream transaction T;
/// b. in ONE SQL transaction record (T, a, b) as pending for the next queued events a..b (<see cref="WriteCommitPending"/>),
///    before anything is sent;
/// c. write a..b into T and commit T in ONE call (the gateway journals both with one fsync; an older gateway answers
///    committed=false and the client commits with a second call);
/// d. in ONE SQL transaction delete events a..b and the pending row.
/// Pipelined (<see cref="CoordinatorOptions.PipelineDepth"/> 2): while T's call is under way, a–b for the next events in T2,
/// whose events are then written without commit; T2's commit is sent once T's is acknowledged, and T's d runs while T2 commits.
/// Every cycle starts with recovery: each pending (T, a, b), in queue order, is resolved by T's status (see
/// <see cref="ResolveAsync"/>): committed → d; committing → commit then d; open → never committed: abort T, then
/// rewrite a..b in a new transaction; aborted/unknown → rewrite. (A row of an older collector, recorded after the write
/// was acknowledged, still commits an open T.)
/// Events leave the queue only once their transaction is known committed. Up to two transactions are in flight
/// (<see cref="CoordinatorOptions.PipelineDepth"/>): while N commits, N+1 is begun, recorded and written without commit;
/// N+1's commit is sent only once N's is acknowledged, and events go in id order, so each routing key's events commit in order. Any failure backs off
/// (Polly: capped exponential with jitter) and the next attempt starts with recovery again.
/// A gateway without the explicit transaction RPCs switches it to <see cref="PublicProtocolCommitter"/>.
/// </summary>
public sealed class TransactionCoordinator
{
    private readonly EventQueue _queue;
    private readonly GatewayClient _gateway;
    private readonly StreamName _stream;
    private readonly CoordinatorOptions _options;
    private readonly ICoordinatorFaults _faults;
    private readonly ILogger _log;
    private readonly ResiliencePipeline _retry;
    private readonly SemaphoreSlim _cycle = new(1, 1);
    private readonly Lock _waitersGate = new();
    private List<(TaskCompletionSource Done, long ThroughId)> _drainWaiters = [];
    private readonly PublicProtocolCommitter _publicProtocol;
    private bool _usePublicProtocol;
    private bool _noteTimeUnsupported;
    private bool _streamEnsured;
    private DateTime? _outageSince;
    private DateTime _lastOutageLog;

    public TransactionCoordinator(EventQueue queue, GatewayClient gateway, StreamName stream, CoordinatorOptions options,
        ICoordinatorFaults faults, ILogger log)
    {
        _queue = queue;
        _gateway = gateway;
        _stream = stream;
        _options = options;
        _faults = faults;
        _log = log;
        _retry = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } e && e is not TransactionsNotSupportedException && !args.Context.CancellationToken.IsCancellationRequested),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryFirstDelay,
                MaxDelay = options.RetryMaxDelay,
                OnRetry = args =>
                {
                    ReportFailure(args.Outcome.Exception!, args.RetryDelay);
                    return default;
                },
            })
            .Build();
        _publicProtocol = new PublicProtocolCommitter(queue, gateway, stream, options, faults, Stats, log, Complete);
        _tailRecorder = new StreamTailRecorder(queue, gateway, stream, log, options.Clock);
    }

    private readonly StreamTailRecorder _tailRecorder;
    private bool _tailChecked;

    public CoordinatorStats Stats { get; } = new();

    /// <summary>Where the event time reported with each commit comes from (with <see cref="CoordinatorOptions.WriterId"/>); null = none.</summary>
    public IEventTimeSource? EventTime { get; init; }

    private long? _lastEventTime;

    /// <summary>Ships until cancelled: drains the queue, then waits for new events (or the idle poll) and repeats.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await _retry.ExecuteAsync(async t => await ShipUntilIdleAsync(t).ConfigureAwait(false), ct).ConfigureAwait(false);
                if (!await _queue.Arrived.WaitAsync(_options.IdlePoll, ct).ConfigureAwait(false)) await NoteIdleTimeAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (ct.IsCancellationRequested && e is OperationCanceledException or RpcException)
            {
                // Stopping: a call cut short by the stop surfaces as a cancelled RPC; one that failed just as the stop came
                // (UNAUTHENTICATED, UNAVAILABLE, … during an outage) is not retried any more. Either way the events stay
                // queued (a pending row is resolved at the next start): a clean stop, not a failure of the process.
                if (e is RpcException { StatusCode: not StatusCode.Cancelled } rpc)
                    _log.LogDebug("A gateway call failed as the coordinator stopped ({Status}); resumed at the next start", rpc.StatusCode);
                return;
            }
            catch (TransactionsNotSupportedException e)
            {
                // Only a pending row with a transaction id of a gateway that had explicit transactions gets here.
                _log.LogCritical("{Error} A pending transaction recorded with a gateway that had explicit transactions cannot be resolved " +
                                 "through this one: point the collector back at that gateway until its queue has drained. Events stay queued; " +
                                 "sampling continues.", e.Message);
                Stats.Failed(e.Message);
                return;
            }
        }
    }

    /// <summary>
    /// Completes once the coordinator has found the queue empty after this call (everything queued before it
    /// is committed), or false when <paramref name="timeout"/> passes first.
    /// </summary>
    public async Task<bool> WaitUntilDrainedAsync(TimeSpan timeout, CancellationToken ct)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waitersGate) _drainWaiters.Add((waiter, _queue.LastEventId));
        _queue.Arrived.Set();
        try
        {
            await waiter.Task.WaitAsync(timeout, ct).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>One cycle at a time: recovery, then transactions until the queue is empty.</summary>
    private async Task ShipUntilIdleAsync(CancellationToken ct)
    {
        await _cycle.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await EnsureStreamAsync(ct).ConfigureAwait(false);
            await ProveSequencesAsync(ct).ConfigureAwait(false);
            foreach (var pending in _queue.Pending()) await ResolveAsync(pending, ct).ConfigureAwait(false);
            if (!_usePublicProtocol) await ShipPipelinedAsync(ct).ConfigureAwait(false); // switches to the public protocol when Begin answers UNIMPLEMENTED
            if (_usePublicProtocol)
                while (await _publicProtocol.ShipNextAsync(ct).ConfigureAwait(false)) { } // one range at a time (edge-module/README.md)
            GatewayBack();
            NotifyDrainWaiters();
        }
        finally
        {
            _cycle.Release();
        }
    }

    private async Task EnsureStreamAsync(CancellationToken ct)
    {
        if (_streamEnsured) return;
        await _gateway.EnsureStreamAsync(_stream, ct: ct).ConfigureAwait(false);
        _streamEnsured = true;
        Stats.Reachable();
    }

    /// <summary>
    /// Completes once the queue's sequences are proven (at once when its own files prove them; otherwise after the first
    /// cycle has read the stream, see <see cref="ProveSequencesAsync"/>). Nothing may be numbered before.
    /// </summary>
    public Task SequencesProven => _proven.Task;

    private readonly TaskCompletionSource _proven = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// A queue whose files cannot prove which sequences are free (<see cref="EventQueue.SequencesUnproven"/>) learns them from
    /// the stream before anything is shipped (<see cref="StreamSequenceScan"/>); otherwise, once per process, the stream after
    /// the queue's recorded tail is checked for a rollback (<see cref="StreamTailCheck"/>). A failure is retried like any other.
    /// </summary>
    private async Task ProveSequencesAsync(CancellationToken ct)
    {
        if (_queue.SequencesUnproven is null && !_tailChecked)
            await StreamTailCheck.RunAsync(_queue, _gateway, _stream, _log, ct).ConfigureAwait(false);
        _tailChecked = true;
        if (_queue.SequencesUnproven is not null)
        {
            var found = await StreamSequenceScan.ReadAsync(_gateway, _stream, _log, ct).ConfigureAwait(false);
            if (found.Empty) _log.LogInformation("Stream {Stream} is empty: no sequence is in use (nothing read)", _stream);
            else
                _log.LogInformation("Stream {Stream} read for the sequences in use: {Events} events, {Bytes} bytes, {Sensors} sensors in {Ms} ms",
                    _stream, found.EventsRead, found.BytesRead, found.Next.Count, (long)found.Elapsed.TotalMilliseconds);
            _tailRecorder.Note(found.Tail);
            _queue.ContinueAfterStream(found.Next);
        }
        _proven.TrySetResult();
    }

    /// <summary>
    /// Steps a–d until the queue is empty, with up to <see cref="CoordinatorOptions.PipelineDepth"/> transactions in flight:
    /// while transaction N's commit call is under way, the next queued events are taken into N+1 (begun, recorded pending,
    /// written without commit), and N+1's commit is sent only once N's is acknowledged — the stream's commit order is the
    /// queue's order, as with one at a time. N's events are deleted while N+1 commits. Any failure waits for the calls
    /// still under way and propagates (the retry starts with recovery, which resolves every pending row in queue order).
    /// </summary>
    private async Task ShipPipelinedAsync(CancellationToken ct)
    {
        TransactionFlight? current = null, next = null;
        try
        {
            while (true)
            {
                next = current is null
                    ? await BeginFlightAsync(afterId: 0, writeAhead: false, ct).ConfigureAwait(false)
                    : Pipelined ? await NextWhileCommittingAsync(current, ct).ConfigureAwait(false) : null;
                if (current is not null)
                {
                    await CommittedAsync(current, next).ConfigureAwait(false);
                    if (next is not null) await StartCommitAsync(next, ct).ConfigureAwait(false);
                    Complete(current.Pending, current.Events); // while N+1 commits
                    _ = _tailRecorder.RefreshIfDue(ct); // beside the commit, never awaited
                }
                else if (next is not null) await StartCommitAsync(next, ct).ConfigureAwait(false);
                if (next is null && current is null) return;
                (current, next) = (next, null);
            }
        }
        catch
        {
            if (current is not null) await current.SettleAsync().ConfigureAwait(false);
            if (next is not null) await next.SettleAsync().ConfigureAwait(false);
            _queue.ReleaseReservation();
            throw;
        }
    }

    /// <summary>
    /// Two transactions in flight (<see cref="CoordinatorOptions.PipelineDepth"/> 2), except with the queue's
    /// <see cref="QueueFullPolicy.DropOldest"/>: events of a pending transaction can never be dropped, so a second one would
    /// take every event that arrives during a commit out of drop-oldest's reach, and a full queue would refuse new samples
    /// instead of dropping old ones. Drop-oldest keeps one transaction in flight.
    /// </summary>
    private bool Pipelined => _options.PipelineDepth > 1 && _queue.Options.FullPolicy != QueueFullPolicy.DropOldest;

    /// <summary>
    /// Steps a–b for the queued events after <paramref name="afterId"/>: begin T, reserve the events, record (T, a, b) pending
    /// BEFORE anything is sent. With <paramref name="writeAhead"/> (a transaction is committing) the events are then sent
    /// without commit. Null when nothing is queued after <paramref name="afterId"/>, or when the gateway has no explicit
    /// transactions (the coordinator switches to the public protocol).
    /// </summary>
    private async Task<TransactionFlight?> BeginFlightAsync(long afterId, bool writeAhead, CancellationToken ct)
    {
        if (_usePublicProtocol || _queue.LastEventId <= afterId || _queue.OldestEventId() is null) return null;
        string txn;
        try
        {
            txn = await _gateway.BeginTransactionAsync(_stream, _options.Lease, ct).ConfigureAwait(false);
        }
        catch (TransactionsNotSupportedException)
        {
            SwitchToPublicProtocol();
            return null;
        }
        _faults.At(CoordinatorStep.AfterBegin);
        // Reserved only once the transaction exists: during an outage drop-oldest may still drop the oldest events.
        var events = _queue.ReserveForTransaction(_options.MaxEventsPerTransaction, _options.MaxBytesPerTransaction, afterId);
        if (events.Count == 0) return null; // the empty transaction just expires on the gateway
        var flight = new TransactionFlight(WriteCommitPending.Of(txn, events[0].Id, events[^1].Id), events);
        try
        {
            // Recorded before the write: once the call is sent, the events may be in the stream.
            _queue.RecordPending(flight.Pending);
        }
        catch
        {
            _queue.ReleaseReservation();
            throw;
        }
        if (!writeAhead)
        {
            _faults.At(CoordinatorStep.AfterPending);
            return flight;
        }
        _faults.At(CoordinatorStep.AfterNextPending);
        flight.WriteAhead = _gateway.WriteTransactionEventsAsync(_stream, txn, flight.Outgoing, ct);
        // Taken now, while the previous commit is under way: a lower bound then is one now.
        flight.Time = await WriterTimeAsync(flight.Pending.LastId, ct).ConfigureAwait(false);
        Stats.Pipelined();
        return flight;
    }

    /// <summary>
    /// While <paramref name="current"/>'s commit is under way: the next transaction as soon as events are queued after it,
    /// or null when its commit is answered first (nothing waits on the gateway while events are queued and a slot is free).
    /// </summary>
    private async Task<TransactionFlight?> NextWhileCommittingAsync(TransactionFlight current, CancellationToken ct)
    {
        while (true)
        {
            var next = await BeginFlightAsync(current.Pending.LastId, writeAhead: true, ct).ConfigureAwait(false);
            if (next is not null || current.Commit!.IsCompleted || _usePublicProtocol) return next;
            using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var arrived = _queue.Arrived.WaitAsync(Timeout.InfiniteTimeSpan, stopWaiting.Token);
            await Task.WhenAny(current.Commit, arrived).ConfigureAwait(false);
            await stopWaiting.CancelAsync().ConfigureAwait(false);
            try
            {
                await arrived.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // the commit was answered first
            }
        }
    }

    /// <summary>
    /// Step c's end: waits for <paramref name="flight"/>'s commit to be answered COMMITTED (or COMMITTING: the gateway's
    /// promise to finish it); anything else throws (recovery resolves the row). The time waited while events were queued
    /// that no transaction could take yet is counted in <see cref="CoordinatorStats.IdleWithWorkQueued"/>.
    /// </summary>
    private async Task CommittedAsync(TransactionFlight flight, TransactionFlight? next)
    {
        var waitStart = MonotonicClock.UnixNowNanos();
        var state = await flight.Commit!.ConfigureAwait(false);
        if (_queue.QueuedAfter(next?.Pending.LastId ?? flight.Pending.LastId) is { } queuedAt)
            Stats.IdleWithWork(MonotonicClock.UnixNowNanos() - Math.Max(waitStart, queuedAt));
        if (state is not (TransactionState.Committed or TransactionState.Committing))
            throw new InvalidOperationException($"write and commit of transaction {flight.TxnId} answered {state}");
        // The write and the commit are one step here (or the write was acknowledged before the commit was sent), so both
        // crash points (after-write, after-commit) are after the commit was answered.
        _faults.At(CoordinatorStep.AfterWrite);
        _faults.At(CoordinatorStep.AfterCommit);
    }

    /// <summary>
    /// Step c's start: the events and the commit in one call, or — written ahead — the commit once their write is
    /// acknowledged (after-next-write). Only called once every earlier transaction's commit was acknowledged.
    /// </summary>
    private async Task StartCommitAsync(TransactionFlight flight, CancellationToken ct)
    {
        if (flight.WriteAhead is null)
        {
            flight.Time = await WriterTimeAsync(flight.Pending.LastId, ct).ConfigureAwait(false);
            flight.Commit = _gateway.WriteAndCommitTransactionAsync(_stream, flight.TxnId, flight.Outgoing, flight.Time, ct);
            return;
        }
        await flight.WriteAhead.ConfigureAwait(false);
        _faults.At(CoordinatorStep.AfterNextWrite);
        flight.Commit = _gateway.CommitTransactionAsync(_stream, flight.TxnId, flight.Time, ct);
    }

    /// <summary>
    /// Steps c and d for a row recorded by <see cref="WriteCommitPending"/> (recovery's rewrite): the events and the commit
    /// in one call, then the delete.
    /// </summary>
    private async Task WriteCommitAndCompleteAsync(PendingTransaction pending, IReadOnlyList<QueuedEvent> events, CancellationToken ct)
    {
        var flight = new TransactionFlight(pending, events);
        await StartCommitAsync(flight, ct).ConfigureAwait(false);
        await CommittedAsync(flight, next: null).ConfigureAwait(false);
        Complete(pending, events);
    }

    /// <summary>
    /// Recovery's rewrite: the events of <paramref name="pending"/> (never committed, and never to be) go into a new
    /// transaction, whose row replaces the old one BEFORE they are sent (after-rewrite), then steps c and d.
    /// </summary>
    private async Task RewriteAsync(PendingTransaction pending, IReadOnlyList<QueuedEvent> events, CancellationToken ct)
    {
        var txn = await _gateway.BeginTransactionAsync(_stream, _options.Lease, ct).ConfigureAwait(false);
        _faults.At(CoordinatorStep.AfterBegin);
        var replacement = WriteCommitPending.Of(txn, pending.FirstId, pending.LastId);
        _queue.ReplacePending(pending.TxnId, replacement);
        _faults.At(CoordinatorStep.AfterRewrite);
        Stats.Rewritten();
        await WriteCommitAndCompleteAsync(replacement, events, ct).ConfigureAwait(false);
    }

    /// <summary>Step c for a row of an older collector (its events were acknowledged written before it was recorded): commit, then d.</summary>
    private async Task CommitAndCompleteAsync(PendingTransaction pending, IReadOnlyList<QueuedEvent> events, CancellationToken ct)
    {
        var txn = WriteCommitPending.GatewayTxnId(pending);
        var state = await _gateway.CommitTransactionAsync(_stream, txn, await WriterTimeAsync(pending.LastId, ct).ConfigureAwait(false), ct)
            .ConfigureAwait(false);
        // Committing is the gateway's promise to finish the commit; anything else is not committed (recovery rewrites it).
        if (state is not (TransactionState.Committed or TransactionState.Committing))
            throw new InvalidOperationException($"commit of transaction {txn} answered {state}");
        _faults.At(CoordinatorStep.AfterCommit);
        Complete(pending, events);
    }

    /// <summary>
    /// The writer's mark for this commit: the lowest event time it may still write once events up to
    /// <paramref name="lastId"/> are committed. When that cannot be told cheaply (a large backlog) the previous time is
    /// repeated: still a lower bound, and it keeps the writer known to the gateway so it goes on holding the watermark back.
    /// </summary>
    private async Task<WriterTime?> WriterTimeAsync(long lastId, CancellationToken ct)
    {
        if (_options.WriterId is not { } writer || EventTime is null) return null;
        var time = await EventTime.LowestTimeAsync(lastId, ct).ConfigureAwait(false) ?? _lastEventTime;
        if (time is not > 0) return null;
        _lastEventTime = Math.Max(time.Value, _lastEventTime ?? 0);
        return new WriterTime(writer, time.Value);
    }

    /// <summary>
    /// Idle (nothing arrived for an idle poll, nothing queued): reports the writer's time without a commit (Pravega's
    /// <c>noteTime</c>), so a quiet sensor does not hold the stream's watermark back until the gateway's writer
    /// timeout. Only a time above the last one reported is sent; a gateway that keeps no watermark (NoteTime
    /// UNIMPLEMENTED) is not asked again; a failure is logged at debug level and left to the next idle poll or commit.
    /// </summary>
    private async Task NoteIdleTimeAsync(CancellationToken ct)
    {
        if (_options.WriterId is not { } writer || EventTime is null || _usePublicProtocol || _noteTimeUnsupported || !_streamEnsured) return;
        await _cycle.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_queue.OldestEventId() is not null) return;
            if (await EventTime.LowestTimeAsync(_queue.LastEventId, ct).ConfigureAwait(false) is not { } time || time <= (_lastEventTime ?? 0)) return;
            if (!await _gateway.NoteTimeAsync(_stream, new WriterTime(writer, time), ct).ConfigureAwait(false))
            {
                _noteTimeUnsupported = true;
                return;
            }
            _lastEventTime = time;
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is RpcException or HttpRequestException or TimeoutException)
        {
            _log.LogDebug("noting the idle writer's event time failed ({Error}); the next idle poll or commit reports it", e.Message);
        }
        finally
        {
            _cycle.Release();
        }
    }

    private void Complete(PendingTransaction pending, IReadOnlyList<QueuedEvent> events)
    {
        _queue.Complete(pending);
        _faults.At(CoordinatorStep.AfterDelete);
        Stats.Committed(events.Count, events.Sum(e => (long)e.SampleCount));
    }

    /// <summary>
    /// The gateway has no explicit transactions (a pravega-grpc-gateway in front of a Pravega cluster, or ours with
    /// --protocol public): from now on ship with the recorded-cut protocol. Logged once; visible as Stats.Protocol.
    /// </summary>
    private void SwitchToPublicProtocol()
    {
        _usePublicProtocol = true;
        Stats.UsePublicProtocol();
        _log.LogWarning("Gateway {Endpoint} answers UNIMPLEMENTED for explicit transactions: switching to the public-protocol coordinator " +
                        "(one atomic WriteEvents transaction per range, its tail cut recorded first, recovery by reading back from that cut; " +
                        "outcome window {Window} s)", _gateway.Endpoint, _options.OutcomeWindow.TotalSeconds);
    }

    /// <summary>
    /// Recovery of one pending transaction, by the gateway's word on its status (or, for a recorded cut, by reading the
    /// stream back). COMMITTED → delete; COMMITTING → commit (it holds all the events: only a complete write asks to
    /// commit) → delete; ABORTING/ABORTED/UNKNOWN → rewrite in a new transaction; OPEN → for a row recorded before its
    /// one-call write + commit the call never finished, so T may hold none or part of the events: abort it
    /// (<see cref="AbortOpenAsync"/>), then rewrite; for an older collector's row (recorded after the write) commit it.
    /// </summary>
    private async Task ResolveAsync(PendingTransaction pending, CancellationToken ct)
    {
        if (RecordedCut.IsRecordedCut(pending))
        {
            await _publicProtocol.ResolveAsync(pending, ct).ConfigureAwait(false);
            return;
        }
        var txn = WriteCommitPending.GatewayTxnId(pending);
        var events = _queue.ReadRange(pending.FirstId, pending.LastId);
        var state = await _gateway.GetTransactionStatusAsync(_stream, txn, ct).ConfigureAwait(false);
        _log.LogInformation("Recovery: transaction {Txn} (events {First}..{Last}) is {State}", txn, pending.FirstId, pending.LastId, state);
        if (state == TransactionState.Open && WriteCommitPending.IsWriteCommit(pending)) state = await AbortOpenAsync(txn, ct).ConfigureAwait(false);
        switch (state)
        {
            case TransactionState.Open or TransactionState.Committing:
                await CommitAndCompleteAsync(pending, events, ct).ConfigureAwait(false);
                Stats.Recovered();
                break;
            case TransactionState.Committed:
                Complete(pending, events);
                Stats.Recovered();
                break;
            default: // Aborting, Aborted, Unknown: the events are not in the stream and never will be through T.
                await RewriteAsync(pending, events, ct).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>
    /// An OPEN transaction whose one-call write + commit never finished: aborts it, so the call (if a crashed process's call
    /// is still being received) can never commit it. Returns ABORTED, or, when the call won the race and asked to commit
    /// first (FAILED_PRECONDITION), the status it has then (COMMITTING or COMMITTED: it holds all the events).
    /// </summary>
    private async Task<TransactionState> AbortOpenAsync(string txn, CancellationToken ct)
    {
        try
        {
            var aborted = await _gateway.AbortTransactionAsync(_stream, txn, ct).ConfigureAwait(false);
            _log.LogInformation("Recovery: transaction {Txn} was open, so never committed: aborted it ({State}); its events are written again", txn, aborted);
            return aborted;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
        {
            var now = await _gateway.GetTransactionStatusAsync(_stream, txn, ct).ConfigureAwait(false);
            if (now == TransactionState.Open) throw; // cannot be: retried with back-off, recovery asks again
            _log.LogInformation("Recovery: transaction {Txn} could not be aborted: it is {State} now", txn, now);
            return now;
        }
    }

    /// <summary>Completes the waiters whose events (ids up to the newest at their call) have all left the queue.</summary>
    private void NotifyDrainWaiters()
    {
        var oldest = _queue.OldestEventId() ?? long.MaxValue;
        lock (_waitersGate)
        {
            foreach (var w in _drainWaiters.Where(w => w.ThroughId < oldest)) w.Done.TrySetResult();
            _drainWaiters.RemoveAll(w => w.ThroughId < oldest);
        }
    }

    private void ReportFailure(Exception error, TimeSpan retryIn)
    {
        var message = Describe(error);
        // A refused credential does not heal with retries: an error, not a warning about a passing outage.
        var level = error is RpcException { StatusCode: StatusCode.Unauthenticated or StatusCode.PermissionDenied } || IsEventTooLarge(error)
            ? LogLevel.Error : LogLevel.Warning;
        Stats.Failed(message);
        // Name what failed: a full or failing disk under the queue is not a gateway outage and needs another fix.
        var subject = error is Microsoft.Data.Sqlite.SqliteException or IOException ? "Local queue database" : $"Gateway {_gateway.Endpoint}";
        var now = DateTime.UtcNow;
        if (_outageSince is null)
        {
            _outageSince = now;
            _lastOutageLog = now;
            _log.Log(level, "{Subject} failed ({Error}); events stay queued, retrying with back-off (next in {Delay} ms)",
                subject, message, (int)retryIn.TotalMilliseconds);
        }
        else if (now - _lastOutageLog >= TimeSpan.FromSeconds(10))
        {
            _lastOutageLog = now;
            _log.Log(level, "{Subject} still failing after {Seconds:F0} s ({Error}); {Events} events queued",
                subject, (now - _outageSince.Value).TotalSeconds, message, _queue.Stats().Events);
        }
    }

    /// <summary>One line for logs and metrics; the gateway's own details never contain the token.</summary>
    private static string Describe(Exception error) => error switch
    {
        RpcException { StatusCode: StatusCode.Unauthenticated } rpc =>
            $"UNAUTHENTICATED: {rpc.Status.Detail}; correct {CollectorSettings.Group["GatewayToken"].Key} or the {CollectorSettings.Group["GatewayTokenFile"].Key} (read at start) and restart the collector",
        _ when IsEventTooLarge(error) =>
            $"{((RpcException)error).Status.Detail} — the gateway's event limit is below the collector's ({SampleBatchJson.MaxEventBytes} bytes, " +
            $"Pravega's 8 MiB): start the gateway with {GatewayServerSettings.Group["MaxEventBytes"].Flag} {SampleBatchJson.MaxEventBytes}, or lower {CollectorSettings.Batch.Flag} so events fit its limit; " +
            "the events stay queued",
        RpcException rpc => $"{rpc.StatusCode}: {rpc.Status.Detail}",
        _ => error.Message,
    };

    /// <summary>
    /// The gateway refused an event as larger than its <c>--max-event-bytes</c> (<see cref="EventTooLargeError"/>):
    /// retries cannot heal it, the gateway's setting or the collector's --batch must change.
    /// </summary>
    private static bool IsEventTooLarge(Exception error) => EventTooLargeError.IsIn(error);

    private void GatewayBack()
    {
        Stats.Reachable();
        if (_outageSince is not { } since) return;
        _outageSince = null;
        _log.LogInformation("Gateway {Endpoint} reachable again after {Seconds:F1} s", _gateway.Endpoint, (DateTime.UtcNow - since).TotalSeconds);
    }
}
