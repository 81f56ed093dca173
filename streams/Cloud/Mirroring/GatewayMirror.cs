using Grpc.Core;
using SensorStream.Streams.BlobStreams;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;

namespace SensorStream.Streams.Mirroring;

/// <summary>
/// Gateway stream → another gateway's stream (Flink tools' Stream-to-Stream), exactly once, with the edge
/// coordinator's recovery rules: events go into a target transaction; the transaction is recorded in the checkpoint
/// blob (ETag) before it is committed; the source position moves only after a known commit. On recovery a recorded
/// transaction that is open or committed is committed (idempotent) and finished; one that aborted or that the target
/// forgot is dropped and its range is read and written again. A transaction never recorded simply expires.
/// A target without explicit transactions (transaction RPCs UNIMPLEMENTED) is written through <see cref="PublicTargetForward"/>.
/// Event time: the job is a writer of the target stream (<see cref="WriterIdOf"/>). Each commit that reaches the
/// source's tail reports the source's watermark, read in the same GetStreamInfo as that tail (its cut is before the
/// tail, so every source event still to come has a time at or above it) — the lowest time it may still write, as the
/// collector reports its own; a commit that stops short of the tail repeats the last time reported. Caught up, it
/// notes a newer source watermark without a commit (NoteTime, Pravega's <c>noteTime</c>). So the target's watermark
/// follows the source's (a public-protocol source has none, and neither has a public target).
/// </summary>
public sealed class GatewayMirror(GatewayClient source, GatewayClient target, ContainerGate checkpoints, MirrorOptions options)
{
    public static class Points
    {
        public const string AfterReadCheckpoint = "g2g.after-read-checkpoint";
        public const string AfterBegin = "g2g.after-begin";
        public const string AfterWrite = "g2g.after-write";
        public const string AfterRecord = "g2g.after-record";
        public const string AfterCommit = "g2g.after-commit";
    }

    private readonly HashSet<StreamName> _ensured = [];
    private readonly PublicTargetForward _public = new(source, target, options);
    private bool _targetIsPublic;

    /// <summary>The writer id under which the job reports event time to the target: stable across restarts and hosts.</summary>
    public static string WriterIdOf(StreamName from) => $"forward:{from}";

    public static string CheckpointName(StreamName from, StreamName to) =>
        $"gateway-mirror/{from.Scope}/{from.Stream}/{to.Scope}/{to.Stream}.json";

    public CheckpointBlob<GatewayMirrorCheckpoint> Checkpoint(StreamName from, StreamName to) => new(checkpoints, CheckpointName(from, to));

    public async Task<StepResult> StepAsync(StreamName from, StreamName to, CancellationToken ct = default)
    {
        var checkpoint = Checkpoint(from, to);
        var read = await checkpoint.ReadAsync(new GatewayMirrorCheckpoint(), ct).ConfigureAwait(false);
        options.Probe?.Invoke(Points.AfterReadCheckpoint);
        if (read.Value.Pending is { } pending) return await RecoverAsync(checkpoint, read, pending, from, to, ct).ConfigureAwait(false);
        if (read.Value.PendingWrite is { } write) return await _public.RecoverAsync(checkpoint, read, write, from, to, ct).ConfigureAwait(false);

        var start = read.Value.SourceCut is { } text ? StreamCutCodec.Decode(text) : null;
        var info = await source.GetStreamInfoAsync(from, ct).ConfigureAwait(false);
        var tail = info.Tail;
        if (StreamCutCodec.SamePosition(start, tail)) return await NoteTimeAsync(checkpoint, read, info.Watermark, from, to, ct).ConfigureAwait(false);
        var batch = await SourceBatch.ReadAsync(source, from, start, tail, options, ct).ConfigureAwait(false);
        if (batch is null) return StepResult.Idle("no events before the tail");

        if (_ensured.Add(to)) await target.EnsureStreamAsync(to, ct: ct).ConfigureAwait(false);
        if (_targetIsPublic) return await _public.WriteAsync(checkpoint, read, batch, from, to, ct).ConfigureAwait(false);
        string txn;
        try
        {
            txn = await target.BeginTransactionAsync(to, options.TransactionLease, ct).ConfigureAwait(false);
        }
        catch (TransactionsNotSupportedException)
        {
            _targetIsPublic = true; // a public pravega-grpc-gateway: the recorded-cut protocol from now on
            return await _public.WriteAsync(checkpoint, read, batch, from, to, ct).ConfigureAwait(false);
        }
        options.Probe?.Invoke(Points.AfterBegin);
        // One routing key keeps the target in the order the source was read.
        var key = from.ToString();
        await target.WriteTransactionEventsAsync(to, txn, batch.Events.Select(e => new OutgoingEvent(key, e)), ct).ConfigureAwait(false);
        options.Probe?.Invoke(Points.AfterWrite);

        var time = !batch.HitLimit && info.Watermark is { } watermark
            ? Math.Max(watermark.LowerTimeBound, read.Value.WriterTime ?? 0)
            : read.Value.WriterTime;
        var record = new PendingTransaction(txn, StreamCutCodec.Encode(batch.EndCut), batch.Events.Count, batch.Bytes, time);
        var recorded = await checkpoint.TryReplaceAsync(read, read.Value with { Pending = record }, ct).ConfigureAwait(false);
        if (recorded is null)
        {
            await target.AbortTransactionAsync(to, txn, ct).ConfigureAwait(false);
            return StepResult.Lost("another mirror recorded a transaction first");
        }
        options.Probe?.Invoke(Points.AfterRecord);
        var state = await target.CommitTransactionAsync(to, txn, TimeOf(from, record), ct).ConfigureAwait(false);
        if (state is not (TransactionState.Committed or TransactionState.Committing))
            throw new InvalidOperationException($"commit of transaction {txn} answered {state}");
        options.Probe?.Invoke(Points.AfterCommit);
        await FinishAsync(checkpoint, recorded, record, ct).ConfigureAwait(false);
        return new StepResult(StepOutcome.Progress, batch.Events.Count, batch.Bytes, batch.HitLimit, $"transaction {txn}");
    }

    /// <summary>Caught up: notes the source's watermark on the target when it is newer than the last time reported.</summary>
    private async Task<StepResult> NoteTimeAsync(CheckpointBlob<GatewayMirrorCheckpoint> checkpoint, Versioned<GatewayMirrorCheckpoint> read,
        EventTimeWatermark? watermark, StreamName from, StreamName to, CancellationToken ct)
    {
        if (_targetIsPublic || watermark is null || watermark.LowerTimeBound <= (read.Value.WriterTime ?? 0)) return StepResult.Idle("caught up");
        if (_ensured.Add(to)) await target.EnsureStreamAsync(to, ct: ct).ConfigureAwait(false);
        if (!await target.NoteTimeAsync(to, new WriterTime(WriterIdOf(from), watermark.LowerTimeBound), ct).ConfigureAwait(false))
        {
            _targetIsPublic = true; // keeps no watermark
            return StepResult.Idle("caught up");
        }
        var noted = await checkpoint.TryReplaceAsync(read, read.Value with { WriterTime = watermark.LowerTimeBound }, ct).ConfigureAwait(false);
        return noted is null ? StepResult.Lost("another mirror changed the checkpoint") : StepResult.Idle($"caught up; noted event time {watermark.LowerTimeUtc:O} on the target");
    }

    private async Task<StepResult> RecoverAsync(CheckpointBlob<GatewayMirrorCheckpoint> checkpoint, Versioned<GatewayMirrorCheckpoint> read,
        PendingTransaction pending, StreamName from, StreamName to, CancellationToken ct)
    {
        var state = await target.GetTransactionStatusAsync(to, pending.TxnId, ct).ConfigureAwait(false);
        if (state is TransactionState.Open or TransactionState.Committing or TransactionState.Committed)
        {
            try
            {
                state = await target.CommitTransactionAsync(to, pending.TxnId, TimeOf(from, pending), ct).ConfigureAwait(false);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
            {
                state = TransactionState.Aborted; // the lease ran out between the status and the commit
            }
        }
        if (state is TransactionState.Committed or TransactionState.Committing)
        {
            var finished = await FinishAsync(checkpoint, read, pending, ct).ConfigureAwait(false);
            return finished
                ? new StepResult(StepOutcome.Progress, pending.Events, pending.Bytes, true, $"recovered committed transaction {pending.TxnId}")
                : StepResult.Lost("another mirror finished the transaction");
        }
        // Aborted or forgotten: nothing of it is visible on the target, so its range is simply read again.
        var dropped = await checkpoint.TryReplaceAsync(read, read.Value with { Pending = null }, ct).ConfigureAwait(false);
        return dropped is null
            ? StepResult.Lost("another mirror changed the checkpoint")
            : new StepResult(StepOutcome.Progress, 0, 0, true, $"dropped {state} transaction {pending.TxnId}; its range is mirrored again");
    }

    private static async Task<bool> FinishAsync(CheckpointBlob<GatewayMirrorCheckpoint> checkpoint, Versioned<GatewayMirrorCheckpoint> read,
        PendingTransaction pending, CancellationToken ct) =>
        await checkpoint.TryReplaceAsync(read, read.Value with
        {
            SourceCut = pending.EndCut,
            Pending = null,
            EventsCommitted = read.Value.EventsCommitted + pending.Events,
            TransactionsCommitted = read.Value.TransactionsCommitted + 1,
            WriterTime = pending.WriterTime ?? read.Value.WriterTime,
        }, ct).ConfigureAwait(false) is not null;

    private static WriterTime? TimeOf(StreamName from, PendingTransaction pending) =>
        pending.WriterTime is { } time ? new WriterTime(WriterIdOf(from), time) : null;
}
