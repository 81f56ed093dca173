using Grpc.Core;
using SensorStream.Gateway.Storage;
using SensorStream.Gateway.Transactions;
using SensorStream.Streams.Client;
using SensorStream.Streams.Protocol;

namespace SensorStream.Gateway.Service;

// Writing: WriteTransactionEvents (explicit transactions) and the compatible WriteEvents.
public sealed partial class PravegaGatewayService
{
    /// <summary>A request (a transaction, for WriteEvents) larger than this is refused: it bounds the journal one request can hold.</summary>
    private const long MaxRequestBytes = 256L * 1024 * 1024;

    /// <summary>
    /// Event bytes a WriteTransactionEvents call gathers before it journals them as a staged part (fewer when
    /// <c>--max-buffered-bytes</c> has no room for more): what one call holds in memory.
    /// </summary>
    private const long StagePartBytes = 1024 * 1024;

    /// <summary>
    /// Most event bytes one WriteEvents call holds in memory: waiting for the batch in flight (non-transactional), or
    /// not yet appended to its transaction (transactional). A larger event is held alone.
    /// </summary>
    private const long WriteEventsBufferBytes = 4L * 1024 * 1024;

    /// <summary>
    /// Writes the request's events into an open transaction, all or nothing: events are journaled as they arrive, in
    /// staged parts of up to <see cref="StagePartBytes"/> (<see cref="StreamStore.StageAsync"/>), and join the
    /// transaction only when the request ends well — its last part and the adoption of the staged ones share one fsync.
    /// An invalid event, a cancel or a failure before then leaves nothing of the request in the transaction. Memory per
    /// call is one part, counted against <c>--max-buffered-bytes</c>; the answer comes once the events are fsynced. A
    /// message carries one event (routing_key/event) or a batch (its repeated <c>events</c>; then those two are empty).
    /// With <c>commit</c> on any message the transaction commits in the same fsync as the request's last part.
    /// </summary>
    public override async Task<WriteTransactionEventsResponse> WriteTransactionEvents(IAsyncStreamReader<WriteTransactionEventsRequest> requestStream,
        ServerCallContext context)
    {
        string? scope = null, streamName = null, txnId = null;
        StreamStore? stream = null;
        StagedWrite? staged = null;
        var part = new List<(string, ReadOnlyMemory<byte>)>();
        long bytes = 0, partBytes = 0, index = 0;
        (string WriterId, long EventTime)? commit = null;
        const string NothingWritten = "nothing of this request was written";
        try
        {
            await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
            {
                if (scope is null)
                {
                    (scope, streamName, txnId) = (request.Scope, request.Stream, request.TxnId);
                    stream = store.Stream(scope, streamName);
                }
                else if (!Same(request.Scope, scope) || !Same(request.Stream, streamName!) || !Same(request.TxnId, txnId!))
                    throw new StoreException(StoreError.InvalidArgument,
                        $"event {index} names {request.Scope}/{request.Stream} transaction {request.TxnId}; the request began with {scope}/{streamName} transaction {txnId}");
                if (request.Commit) commit = (request.WriterId, request.EventTime);
                if (request.Events.Count == 0) await Add(request.RoutingKey, request.Event.Memory).ConfigureAwait(false);
                else if (request.Event.Length > 0 || request.RoutingKey.Length > 0)
                    throw new StoreException(StoreError.InvalidArgument,
                        $"message {index} carries both a batch of events and a single event (routing_key/event): set one or the other; {NothingWritten}");
                else
                    foreach (var e in request.Events) await Add(e.RoutingKey, e.Event.Memory).ConfigureAwait(false);
            }
            if (stream is null) return new WriteTransactionEventsResponse();
            var watermark = commit is { } mark ? WatermarkMark(stream, mark.WriterId, mark.EventTime) : null;
            var written = await stream.AppendAsync(txnId!, part, context.CancellationToken, staged, commit is not null).ConfigureAwait(false);
            if (commit is { } noted) watermark?.Note(noted.WriterId, noted.EventTime);
            return new WriteTransactionEventsResponse { EventsWritten = written, Committed = commit is not null };
        }
        finally
        {
            budget.Release(partBytes);
        }

        async ValueTask Add(string routingKey, ReadOnlyMemory<byte> evt)
        {
            CheckSize(evt.Length, index, ref bytes);
            if (!budget.TryReserve(evt.Length))
            {
                // Make room by journaling what this call holds; refused only when it holds nothing and still does not fit.
                if (partBytes > 0) partBytes = await StagePart(stream!, txnId!, staged ??= new StagedWrite(), part, partBytes).ConfigureAwait(false);
                budget.Reserve(evt.Length, NothingWritten);
            }
            part.Add((routingKey, evt));
            partBytes += evt.Length;
            index++;
            if (partBytes >= StagePartBytes) partBytes = await StagePart(stream!, txnId!, staged ??= new StagedWrite(), part, partBytes).ConfigureAwait(false);
        }
    }

    /// <summary>Journals the call's gathered events as a staged part and gives their bytes back to the budget; returns 0 (bytes now held).</summary>
    private async Task<long> StagePart(StreamStore stream, string txnId, StagedWrite staged, List<(string, ReadOnlyMemory<byte>)> part, long partBytes)
    {
        try
        {
            await stream.StageAsync(txnId, staged, part).ConfigureAwait(false);
        }
        finally
        {
            budget.Release(partBytes);
            part.Clear();
        }
        return 0;
    }

    /// <summary>
    /// The public gateway's write RPC. Without use_transaction (as the public gateway's Pravega writer), each event is
    /// appended as it arrives (<see cref="StreamedAppender"/>): durable and visible while the call is still open, and
    /// kept when the client cancels; the answer comes once all are durable. With use_transaction, events go into a
    /// transaction that commits at each message with commit=true and at the end of the call, and aborts if the call
    /// fails or is cancelled (all or nothing per transaction). Later messages may leave scope/stream empty and
    /// use_transaction false; a different scope/stream, or use_transaction=true in a call begun without it, is
    /// INVALID_ARGUMENT (as the public gateway), and the error says what of the call was written.
    /// </summary>
    public override async Task<WriteEventsResponse> WriteEvents(IAsyncStreamReader<WriteEventsRequest> requestStream, ServerCallContext context)
    {
        var messages = new ClientMessages<WriteEventsRequest>(requestStream, context);
        if (!await messages.MoveNextAsync().ConfigureAwait(false)) return new WriteEventsResponse();
        var stream = store.Stream(messages.Current.Scope, messages.Current.Stream);
        if (messages.Current.UseTransaction) await WriteEventsInTransactions(stream, messages).ConfigureAwait(false);
        else await WriteEventsStreamed(stream, messages).ConfigureAwait(false);
        return new WriteEventsResponse();
    }

    private async Task WriteEventsStreamed(StreamStore stream, ClientMessages<WriteEventsRequest> messages)
    {
        var appender = new StreamedAppender(stream, WriteEventsBufferBytes);
        try
        {
            do
            {
                var request = messages.Current;
                var problem = WriteEventsProblem(request, stream, useTransaction: false, messages.Index);
                if (problem is not null)
                {
                    await appender.DrainAsync().ConfigureAwait(false);
                    throw new StoreException(StoreError.InvalidArgument,
                        $"{problem}; " + (messages.Index == 0 ? "no event of this call was written" : $"events 0..{messages.Index - 1} of this call were written (non-transactional WriteEvents appends each event as it arrives), event {messages.Index} and later were not"));
                }
                await appender.AddAsync(request.RoutingKey, request.Event.Memory).ConfigureAwait(false);
            } while (await messages.MoveNextAsync().ConfigureAwait(false));
            await appender.DrainAsync().ConfigureAwait(false);
        }
        catch (ClientCancelledException)
        {
            await appender.DrainAsync().ConfigureAwait(false);
            log.LogInformation("WriteEvents on {Stream}: the client cancelled after {Events} event(s); all of them were written", stream, appender.Written);
            throw new RpcException(new Status(StatusCode.Cancelled, $"cancelled by the client; the {appender.Written} event(s) it sent were written"));
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException || e is StoreException { Kind: not StoreError.InvalidArgument })
        {
            // The stream failed, was deleted or the gateway is stopping: say what of the call is in the stream.
            var inDoubt = appender.InDoubt > 0 ? $", {appender.InDoubt} more may be (their commit was under way)" : "";
            throw new StoreException(e is StoreException s ? s.Kind : StoreError.Unavailable,
                $"{e.Message}; {appender.Written} event(s) of this call were written{inDoubt}, the rest were not");
        }
    }

    private async Task WriteEventsInTransactions(StreamStore stream, ClientMessages<WriteEventsRequest> messages)
    {
        Transaction? txn = null;
        var buffer = new List<(string, ReadOnlyMemory<byte>)>();
        long buffered = 0, total = 0, committed = 0, firstOpen = 0;
        try
        {
            do
            {
                var request = messages.Current;
                var index = messages.Index;
                if (WriteEventsProblem(request, stream, useTransaction: true, index) is { } problem)
                    throw new StoreException(StoreError.InvalidArgument, $"{problem}; {NotWritten(committed, firstOpen, index)}");
                total += request.Event.Length;
                if (total > MaxRequestBytes)
                    throw new StoreException(StoreError.ResourceExhausted,
                        $"the transaction of events {firstOpen}..{index} carries more than {MaxRequestBytes} bytes; commit more often; {NotWritten(committed, firstOpen, index)}");
                txn ??= stream.Begin(0, callScoped: true);
                if (!budget.TryReserve(request.Event.Length))
                {
                    // Make room by appending what this call holds; refused only when it holds nothing and still does not fit.
                    if (buffer.Count > 0) buffered = await Flush(stream, txn, buffer).ConfigureAwait(false);
                    budget.Reserve(request.Event.Length, NotWritten(committed, firstOpen, index));
                }
                buffer.Add((request.RoutingKey, request.Event.Memory));
                buffered += request.Event.Length;
                if (buffered >= WriteEventsBufferBytes || request.Commit) buffered = await Flush(stream, txn, buffer).ConfigureAwait(false);
                if (!request.Commit) continue;
                await stream.CommitAsync(txn.Id, CancellationToken.None).ConfigureAwait(false);
                (txn, total, committed, firstOpen) = (null, 0, index + 1, index + 1);
            } while (await messages.MoveNextAsync().ConfigureAwait(false));
            if (txn is not null)
            {
                await Flush(stream, txn, buffer).ConfigureAwait(false);
                await stream.CommitAsync(txn.Id, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (txn is not null && txn.Phase == TransactionPhase.Open)
        {
            await stream.AbortAsync(txn.Id, CancellationToken.None).ConfigureAwait(false);
            if (e is ClientCancelledException)
                throw new RpcException(new Status(StatusCode.Cancelled,
                    $"cancelled by the client; its open transaction was aborted, {committed} event(s) committed earlier in the call stay"));
            throw;
        }
        catch (ClientCancelledException)
        {
            throw new RpcException(new Status(StatusCode.Cancelled, $"cancelled by the client; the {committed} event(s) it committed stay"));
        }
        finally
        {
            budget.Release(buffer.Sum(e => (long)e.Item2.Length)); // events the call failed before appending
        }
    }

    /// <summary>What is wrong with one WriteEvents message, or null (names and size checked before anything of it is written).</summary>
    private string? WriteEventsProblem(WriteEventsRequest request, StreamStore stream, bool useTransaction, long index)
    {
        if (!Same(request.Scope, stream.Scope) || !Same(request.Stream, stream.Stream))
            return $"event {index} names {request.Scope}/{request.Stream}; the call began with {stream}";
        if (request.UseTransaction && !useTransaction)
            return $"event {index} sets use_transaction, the call began without it (it must be the same for all events)";
        if (request.Event.Length > store.Options.MaxEventBytes)
            return EventTooLargeError.Describe($"event {index}", request.Event.Length, store.Options.MaxEventBytes);
        return null;
    }

    private static string NotWritten(long committed, long firstOpen, long index) =>
        $"events {firstOpen}..{index} (the open transaction) were not written; {committed} event(s) committed earlier in the call stay";

    /// <summary>Appends the buffered events to the transaction and gives their bytes back to the budget; returns 0 (bytes now buffered).</summary>
    private async Task<long> Flush(StreamStore stream, Transaction txn, List<(string, ReadOnlyMemory<byte>)> buffer)
    {
        try
        {
            if (buffer.Count > 0) await stream.AppendAsync(txn.Id, buffer, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            budget.Release(buffer.Sum(e => (long)e.Item2.Length));
            buffer.Clear();
        }
        return 0;
    }

    private void CheckSize(int eventBytes, long index, ref long requestBytes)
    {
        if (eventBytes > store.Options.MaxEventBytes)
            throw new StoreException(StoreError.InvalidArgument,
                EventTooLargeError.Describe($"event {index}", eventBytes, store.Options.MaxEventBytes) + "; nothing of this request was written");
        requestBytes += eventBytes;
        if (requestBytes > MaxRequestBytes)
            throw new StoreException(StoreError.ResourceExhausted,
                $"the request carries more than {MaxRequestBytes} bytes; split it (nothing of this request was written)");
    }

    /// <summary>Later messages of a client stream may leave scope/stream/txn empty (the first one names them).</summary>
    private static bool Same(string value, string first) => value.Length == 0 || value == first;
}
