using Google.Protobuf;
using Microsoft.Extensions.Logging;
using SensorStream.EdgeModule.Queue;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;

namespace SensorStream.EdgeModule.Transactions;

/// <summary>
/// Exactly-once through the public pravega-grpc-gateway protocol alone (no transaction ids, docs/guarantees.md
/// "Scaling out"):
/// a. read the stream's tail cut (GetStreamInfo);
/// b. in ONE SQL transaction record the pending range a..b with that cut (<see cref="RecordedCut"/>);
/// c. write a..b in ONE WriteEvents call, use_transaction=true, commit=true on the last event (one atomic transaction),
///    with a deadline of recorded time + half the outcome window;
/// d. on success, in ONE SQL transaction delete a..b and the pending row.
/// Recovery (start-up, and after any failure, whose outcome is unknown) reads the stream from the recorded cut to the
/// tail (<see cref="RangeReadBack"/>): all of a..b there → committed, d; none → absent, but final only once the outcome
/// window since the record has passed (the write's deadline is half of it; the other half covers a decided commit the
/// target has not made visible yet) → record a new cut and write a..b again; some → a decided commit still becoming
/// visible: re-read at the window's end, then it counts as committed.
/// </summary>
public sealed class PublicProtocolCommitter(EventQueue queue, GatewayClient gateway, StreamName stream, CoordinatorOptions options,
    ICoordinatorFaults faults, CoordinatorStats stats, ILogger log, Action<PendingTransaction, IReadOnlyList<QueuedEvent>> complete)
{
    /// <summary>Steps a–d for the next queued events; false when the queue is empty.</summary>
    public async Task<bool> ShipNextAsync(CancellationToken ct)
    {
        var events = queue.ReserveForTransaction(options.MaxEventsPerTransaction, options.MaxBytesPerTransaction);
        if (events.Count == 0) return false;
        try
        {
            var (pending, cut) = await RecordAsync(events, null, ct).ConfigureAwait(false);
            faults.At(CoordinatorStep.AfterPending);
            await WriteAndCompleteAsync(pending, cut, events, ct).ConfigureAwait(false);
        }
        catch
        {
            queue.ReleaseReservation();
            throw;
        }
        return true;
    }

    /// <summary>Recovery of one pending range recorded with a cut, by reading the stream back from that cut.</summary>
    public async Task ResolveAsync(PendingTransaction pending, CancellationToken ct)
    {
        var cut = RecordedCut.Decode(pending);
        var events = queue.ReadRange(pending.FirstId, pending.LastId);
        if (events.Count == 0)
        {
            complete(pending, events); // nothing of it is queued any more: only the row is left
            return;
        }
        var final = cut.RecordedAt + options.OutcomeWindow;
        var read = await ReadBackAsync(pending, cut, events, ct).ConfigureAwait(false);
        if (read.Visibility != RangeVisibility.Committed && DateTimeOffset.UtcNow < final)
        {
            var wait = final - DateTimeOffset.UtcNow;
            log.LogInformation("Recovery: events {First}..{Last} are {Visibility} ({Found}/{Expected}); their write may still be deciding, " +
                               "reading again in {Wait} ms (outcome window {Window} s)", pending.FirstId, pending.LastId, read.Visibility, read.Found,
                read.Expected, (int)Math.Max(0, wait.TotalMilliseconds), options.OutcomeWindow.TotalSeconds);
            if (wait > TimeSpan.Zero) await Task.Delay(wait, ct).ConfigureAwait(false);
            read = await ReadBackAsync(pending, cut, events, ct).ConfigureAwait(false);
        }
        switch (read.Visibility)
        {
            case RangeVisibility.Committed:
                complete(pending, events);
                stats.Recovered();
                break;
            case RangeVisibility.Partial:
                // Writes are atomic transactions, so a visible part proves the commit was decided; the rest is on its way.
                log.LogError("Recovery: only {Found} of {Expected} events of {First}..{Last} are visible after the outcome window; a part proves " +
                             "the atomic commit was decided, so the range counts as committed", read.Found, read.Expected, pending.FirstId, pending.LastId);
                complete(pending, events);
                stats.Recovered();
                break;
            default:
                var (replacement, newCut) = await RecordAsync(events, pending, ct).ConfigureAwait(false);
                faults.At(CoordinatorStep.AfterRewrite);
                stats.Rewritten();
                await WriteAndCompleteAsync(replacement, newCut, events, ct).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>Steps a–b: the tail cut and the range in one SQL transaction (replacing <paramref name="previous"/> when rewriting).</summary>
    private async Task<(PendingTransaction, RecordedCut)> RecordAsync(IReadOnlyList<QueuedEvent> events, PendingTransaction? previous, CancellationToken ct)
    {
        var tail = (await gateway.GetStreamInfoAsync(stream, ct).ConfigureAwait(false)).Tail;
        var cut = new RecordedCut(tail, DateTimeOffset.UtcNow);
        queue.NoteStreamTail(tail.ToByteArray()); // recorded as the stream's tail with this range's completion (EventQueue.StreamTail.cs)
        var pending = new PendingTransaction(cut.Encode(), events[0].Id, events[^1].Id);
        if (previous is null) queue.RecordPending(pending);
        else queue.ReplacePending(previous.TxnId, pending);
        return (pending, cut);
    }

    /// <summary>Steps c–d.</summary>
    private async Task WriteAndCompleteAsync(PendingTransaction pending, RecordedCut cut, IReadOnlyList<QueuedEvent> events, CancellationToken ct)
    {
        var deadline = (cut.RecordedAt + options.OutcomeWindow / 2).UtcDateTime;
        await gateway.WriteTransactionAsync(stream, events.Select(e => new OutgoingEvent(e.RoutingKey, e.Data)).ToList(), deadline, ct).ConfigureAwait(false);
        faults.At(CoordinatorStep.AfterWrite);
        faults.At(CoordinatorStep.AfterCommit); // one call writes and commits
        complete(pending, events);
    }

    private async Task<ReadBackResult> ReadBackAsync(PendingTransaction pending, RecordedCut cut, IReadOnlyList<QueuedEvent> events, CancellationToken ct)
    {
        var read = await RangeReadBack.ReadAsync(gateway, stream, cut.Tail, events, ct).ConfigureAwait(false);
        stats.ReadBack(read);
        log.LogInformation("Recovery: events {First}..{Last} are {Visibility} ({Found}/{Expected}); read back {Events} events, {Bytes} bytes from the recorded cut in {Ms} ms",
            pending.FirstId, pending.LastId, read.Visibility, read.Found, read.Expected, read.EventsRead, read.BytesRead, (long)read.Elapsed.TotalMilliseconds);
        return read;
    }
}
