using Grpc.Core;
using SensorStream.Gateway.Storage;
using SensorStream.Gateway.Transactions;
using SensorStream.Streams.Protocol;
using WireStatus = SensorStream.Streams.Protocol.TransactionStatusResponse.Types.Status;

namespace SensorStream.Gateway.Service;

// Explicit transactions and NoteTime (SensorStream additions to the protocol).
public sealed partial class PravegaGatewayService
{
    public override Task<BeginTransactionResponse> BeginTransaction(BeginTransactionRequest request, ServerCallContext context)
    {
        var txn = store.Stream(request.Scope, request.Stream).Begin(request.LeaseMs);
        return Task.FromResult(new BeginTransactionResponse { TxnId = txn.Id });
    }

    /// <summary>
    /// Idempotent: a committed transaction answers COMMITTED again; an aborted or expired one fails with FAILED_PRECONDITION.
    /// With writer_id and event_time set, the commit is also that writer's mark for the stream's watermark (recorded
    /// once the commit is visible).
    /// </summary>
    public override async Task<TransactionStatusResponse> CommitTransaction(TransactionRequest request, ServerCallContext context)
    {
        var stream = store.Stream(request.Scope, request.Stream);
        var watermark = WatermarkMark(stream, request.WriterId, request.EventTime);
        var phase = await stream.CommitAsync(request.TxnId, context.CancellationToken).ConfigureAwait(false);
        watermark?.Note(request.WriterId, request.EventTime);
        return Reply(phase);
    }

    /// <summary>The stream's watermark when a commit carries a writer's mark (checked before the commit), else null.</summary>
    private Watermarks.StreamWatermark? WatermarkMark(StreamStore stream, string writerId, long eventTime)
    {
        var watermark = writerId.Length > 0 || eventTime != 0 ? watermarks.For(stream) : null;
        if (watermark is not null && (writerId.Length == 0 || eventTime <= 0))
            throw new StoreException(StoreError.InvalidArgument, "writer_id and event_time go together: set both (a mark for the watermark) or neither");
        watermark?.Validate(writerId, eventTime);
        return watermark;
    }

    /// <summary>
    /// Pravega's <c>noteTime</c>: <c>writer_id</c>'s mark for the stream's watermark without a commit (an idle writer);
    /// INVALID_ARGUMENT without both fields, NOT_FOUND for an unknown stream.
    /// </summary>
    public override Task<NoteTimeResponse> NoteTime(NoteTimeRequest request, ServerCallContext context)
    {
        var stream = store.Stream(request.Scope, request.Stream);
        if (request.WriterId.Length == 0 || request.EventTime <= 0)
            throw new StoreException(StoreError.InvalidArgument, "NoteTime needs writer_id and event_time > 0 (ns since the Unix epoch)");
        watermarks.For(stream).Note(request.WriterId, request.EventTime);
        return Task.FromResult(new NoteTimeResponse());
    }

    public override async Task<TransactionStatusResponse> AbortTransaction(TransactionRequest request, ServerCallContext context) =>
        Reply(await store.Stream(request.Scope, request.Stream).AbortAsync(request.TxnId, context.CancellationToken).ConfigureAwait(false));

    /// <summary>UNKNOWN (not an error) for a transaction this stream never had or has forgotten (only aborted ones are forgotten).</summary>
    public override Task<TransactionStatusResponse> GetTransactionStatus(TransactionRequest request, ServerCallContext context)
    {
        var phase = store.Stream(request.Scope, request.Stream).Status(request.TxnId);
        return Task.FromResult(phase is { } p ? Reply(p) : new TransactionStatusResponse { Status = WireStatus.Unknown });
    }

    public override Task<TransactionStatusResponse> PingTransaction(PingTransactionRequest request, ServerCallContext context) =>
        Task.FromResult(Reply(store.Stream(request.Scope, request.Stream).Ping(request.TxnId, request.LeaseMs)));

    private static TransactionStatusResponse Reply(TransactionPhase phase) => new()
    {
        Status = phase switch
        {
            TransactionPhase.Open => WireStatus.Open,
            TransactionPhase.Committing => WireStatus.Committing,
            TransactionPhase.Committed => WireStatus.Committed,
            _ => WireStatus.Aborted,
        },
    };
}
