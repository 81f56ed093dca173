using SensorStream.Streams.BlobStreams;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;

namespace SensorStream.Streams.Mirroring;

/// <summary>
/// The gateway → gateway forward step when the target speaks only the public pravega-grpc-gateway protocol (its
/// transaction RPCs answer UNIMPLEMENTED: a Pravega cluster's gateway, or ours with --protocol public). The collector's
/// recorded-cut protocol (docs/guarantees.md, "Scaling out"):
/// a. read the next source batch and the target's tail cut; b. record both in the checkpoint blob (ETag) as
/// <see cref="PendingWrite"/>; c. write the batch in ONE WriteEvents call, use_transaction=true, commit=true on the last
/// event, deadline = record + half of <see cref="MirrorOptions.OutcomeWindow"/>; d. move the source cut, clear the record.
/// Recovery of a recorded write reads the target back from its recorded cut and compares, in order, with the source
/// range read again: all there → d; none, once the outcome window has passed → record a new target cut and write again;
/// a part → re-read at the window's end, then d. Assumes the forward job is the target stream's only writer after the
/// cut (any other event there is refused, not guessed at).
/// </summary>
public sealed class PublicTargetForward(GatewayClient source, GatewayClient target, MirrorOptions options)
{
    public static class Points
    {
        public const string AfterRecord = "g2g.public.after-record";
        public const string AfterWrite = "g2g.public.after-write";
    }

    /// <summary>Steps a–d for <paramref name="batch"/>, read from the checkpoint's SourceCut.</summary>
    public async Task<StepResult> WriteAsync(CheckpointBlob<GatewayMirrorCheckpoint> checkpoint, Versioned<GatewayMirrorCheckpoint> read,
        SourceBatch batch, StreamName from, StreamName to, CancellationToken ct)
    {
        var record = new PendingWrite("", StreamCutCodec.Encode(batch.EndCut), batch.Events.Count, batch.Bytes, default);
        return await RecordAndWriteAsync(checkpoint, read, record, batch.Events, from, to, ct).ConfigureAwait(false);
    }

    /// <summary>Recovery of a recorded write by reading the target back from its recorded cut.</summary>
    public async Task<StepResult> RecoverAsync(CheckpointBlob<GatewayMirrorCheckpoint> checkpoint, Versioned<GatewayMirrorCheckpoint> read,
        PendingWrite pending, StreamName from, StreamName to, CancellationToken ct)
    {
        var start = read.Value.SourceCut is { } text ? StreamCutCodec.Decode(text) : null;
        var events = new List<ReadOnlyMemory<byte>>();
        await foreach (var e in source.ReadEventsAsync(from, start, StreamCutCodec.Decode(pending.EndCut), ct).ConfigureAwait(false)) events.Add(e.Data);
        if (events.Count != pending.Events)
            throw new InvalidOperationException($"forward {from} → {to}: the source range holds {events.Count} events, the checkpoint recorded {pending.Events}");

        var found = await VisibleAsync(pending, events, to, ct).ConfigureAwait(false);
        var final = pending.RecordedAt + options.OutcomeWindow;
        if (found < events.Count && DateTimeOffset.UtcNow < final)
        {
            await Task.Delay(final - DateTimeOffset.UtcNow, ct).ConfigureAwait(false);
            found = await VisibleAsync(pending, events, to, ct).ConfigureAwait(false);
        }
        if (found > 0) // all of it, or a part of an atomic commit that was decided (the rest is on its way)
            return await FinishAsync(checkpoint, read, pending, ct).ConfigureAwait(false) is not null
                ? new StepResult(StepOutcome.Progress, pending.Events, pending.Bytes, true, $"recovered write of {pending.Events} events: {found} visible on the target")
                : StepResult.Lost("another forward job finished the write");
        return await RecordAndWriteAsync(checkpoint, read, pending, events, from, to, ct).ConfigureAwait(false);
    }

    private async Task<StepResult> RecordAndWriteAsync(CheckpointBlob<GatewayMirrorCheckpoint> checkpoint, Versioned<GatewayMirrorCheckpoint> read,
        PendingWrite range, IReadOnlyList<ReadOnlyMemory<byte>> events, StreamName from, StreamName to, CancellationToken ct)
    {
        var tail = (await target.GetStreamInfoAsync(to, ct).ConfigureAwait(false)).Tail;
        var record = range with { TargetCut = StreamCutCodec.Encode(tail), RecordedAt = DateTimeOffset.UtcNow };
        var recorded = await checkpoint.TryReplaceAsync(read, read.Value with { PendingWrite = record }, ct).ConfigureAwait(false);
        if (recorded is null) return StepResult.Lost("another forward job recorded a write first");
        options.Probe?.Invoke(Points.AfterRecord);
        // One routing key keeps the target in the order the source was read.
        var key = from.ToString();
        var deadline = (record.RecordedAt + options.OutcomeWindow / 2).UtcDateTime;
        await target.WriteTransactionAsync(to, events.Select(e => new OutgoingEvent(key, e)).ToList(), deadline, ct).ConfigureAwait(false);
        options.Probe?.Invoke(Points.AfterWrite);
        return await FinishAsync(checkpoint, recorded, record, ct).ConfigureAwait(false) is not null
            ? new StepResult(StepOutcome.Progress, record.Events, record.Bytes, true, $"wrote {record.Events} events in one public-protocol transaction")
            : StepResult.Lost("another forward job changed the checkpoint");
    }

    /// <summary>How many of <paramref name="events"/> follow the recorded target cut, in order; throws on any other event there.</summary>
    private async Task<int> VisibleAsync(PendingWrite pending, IReadOnlyList<ReadOnlyMemory<byte>> events, StreamName to, CancellationToken ct)
    {
        var found = 0;
        await foreach (var e in target.ReadRangeAsync(to, StreamCutCodec.Decode(pending.TargetCut), null, ct).ConfigureAwait(false))
        {
            if (found == events.Count) break;
            if (!e.Data.Span.SequenceEqual(events[found].Span))
                throw new InvalidOperationException(
                    $"forward → {to}: event {found} after the recorded target cut is not the source's; the target stream has another writer, " +
                    "which the public-protocol forward job cannot tell apart from its own writes");
            found++;
        }
        return found;
    }

    private static Task<Versioned<GatewayMirrorCheckpoint>?> FinishAsync(CheckpointBlob<GatewayMirrorCheckpoint> checkpoint,
        Versioned<GatewayMirrorCheckpoint> read, PendingWrite pending, CancellationToken ct) =>
        checkpoint.TryReplaceAsync(read, read.Value with
        {
            SourceCut = pending.EndCut,
            PendingWrite = null,
            EventsCommitted = read.Value.EventsCommitted + pending.Events,
            TransactionsCommitted = read.Value.TransactionsCommitted + 1,
        }, ct);
}
