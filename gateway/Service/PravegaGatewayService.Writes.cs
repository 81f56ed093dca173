using Grpc.Core;
using SensorStream.Gateway.Storage;
using SensorStream.Gateway.Transactions;
using SensorStream.Streams.Protocol;

namespace SensorStream.Gateway.Service;

// Writing: WriteTransactionEvents (explicit transactions) and the compatible WriteEvents.
public sealed partial class PravegaGatewayService
{
    /// <summary>A request larger than this is refused (the whole request is held until it is known valid).</summary>
    private const long MaxRequestBytes = 256L * 1024 * 1024;

    /// <summary>WriteEvents commits what it buffered at this size, so a long-running write stream becomes visible in pieces.</summary>
    private const long WriteEventsFlushBytes = 8L * 1024 * 1024;

    /// <summary>
    /// Writes the request's events into an open transaction. The whole request is validated before anything is
    /// written (an oversized event means none of it is), and the answer comes only once the events are fsynced.
    /// </summary>
    public override async Task<WriteTransactionEventsResponse> WriteTransactionEvents(IAsyncStreamReader<WriteTransactionEventsRequest> requestStream,
        ServerCallContext context)
    {
        string? scope = null, streamName = null, txnId = null;
        var events = new List<(string, ReadOnlyMemory<byte>)>();
        long bytes = 0;
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
        {
            if (scope is null)
                (scope, streamName, txnId) = (request.Scope, request.Stream, request.TxnId);
            else if (!Same(request.Scope, scope) || !Same(request.Stream, streamName!) || !Same(request.TxnId, txnId!))
                throw new StoreException(StoreError.InvalidArgument,
                    $"event {events.Count} names {request.Scope}/{request.Stream} transaction {request.TxnId}; the request began with {scope}/{streamName} transaction {txnId}");
            CheckSize(request.Event.Length, events.Count, ref bytes);
            events.Add((request.RoutingKey, request.Event.Memory));
        }
        if (scope is null) return new WriteTransactionEventsResponse();
        var stream = store.Stream(scope, streamName!);
        var written = await stream.AppendAsync(txnId!, events, context.CancellationToken).ConfigureAwait(false);
        return new WriteTransactionEventsResponse { EventsWritten = written };
    }

    /// <summary>
    /// The public gateway's write RPC. With use_transaction, events go into a transaction that commits at each
    /// message with commit=true and at the end of the call, and aborts if the call fails. Without it, events are
    /// committed at the end of the call (and every 8 MiB): a request up to that size is all-or-nothing.
    /// </summary>
    public override async Task<WriteEventsResponse> WriteEvents(IAsyncStreamReader<WriteEventsRequest> requestStream, ServerCallContext context)
    {
        StreamStore? stream = null;
        Transaction? txn = null;
        var useTransaction = false;
        var buffer = new List<(string, ReadOnlyMemory<byte>)>();
        long buffered = 0, index = 0, total = 0;
        try
        {
            await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
            {
                if (stream is null)
                {
                    stream = store.Stream(request.Scope, request.Stream);
                    useTransaction = request.UseTransaction;
                }
                else if (!Same(request.Scope, stream.Scope) || !Same(request.Stream, stream.Stream))
                    throw new StoreException(StoreError.InvalidArgument, $"event {index} names {request.Scope}/{request.Stream}; the request began with {stream}");
                CheckSize(request.Event.Length, index++, ref total);
                txn ??= stream.Begin(0);
                buffer.Add((request.RoutingKey, request.Event.Memory));
                buffered += request.Event.Length;
                var commitNow = useTransaction ? request.Commit : buffered >= WriteEventsFlushBytes;
                if (useTransaction && buffered >= WriteEventsFlushBytes) buffered = await Flush(stream, txn, buffer, context).ConfigureAwait(false);
                if (!commitNow) continue;
                buffered = await Flush(stream, txn, buffer, context).ConfigureAwait(false);
                await stream.CommitAsync(txn.Id, context.CancellationToken).ConfigureAwait(false);
                txn = null;
                total = 0;
            }
            if (stream is not null && txn is not null)
            {
                await Flush(stream, txn, buffer, context).ConfigureAwait(false);
                await stream.CommitAsync(txn.Id, context.CancellationToken).ConfigureAwait(false);
            }
            return new WriteEventsResponse();
        }
        catch when (stream is not null && txn is not null && txn.Phase == TransactionPhase.Open)
        {
            await stream.AbortAsync(txn.Id, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<long> Flush(StreamStore stream, Transaction txn, List<(string, ReadOnlyMemory<byte>)> buffer, ServerCallContext context)
    {
        if (buffer.Count > 0) await stream.AppendAsync(txn.Id, buffer, context.CancellationToken).ConfigureAwait(false);
        buffer.Clear();
        return 0;
    }

    private void CheckSize(int eventBytes, long index, ref long requestBytes)
    {
        if (eventBytes > store.Options.MaxEventBytes)
            throw new StoreException(StoreError.InvalidArgument,
                $"event {index} has {eventBytes} bytes, more than the limit of {store.Options.MaxEventBytes}; nothing of this request was written");
        requestBytes += eventBytes;
        if (requestBytes > MaxRequestBytes)
            throw new StoreException(StoreError.ResourceExhausted,
                $"the request carries more than {MaxRequestBytes} bytes; split it (nothing of this request was written)");
    }

    /// <summary>Later messages of a client stream may leave scope/stream/txn empty (the first one names them).</summary>
    private static bool Same(string value, string first) => value.Length == 0 || value == first;
}
