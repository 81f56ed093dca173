using SensorStream.EdgeModule.Queue;

namespace SensorStream.EdgeModule.Transactions;

/// <summary>
/// A pending row recorded BEFORE its events are sent with the gateway's one-call write + commit
/// (<see cref="Streams.Client.GatewayClient.WriteAndCommitTransactionAsync"/>). It lives in the pending row's id column as
/// <c>write+commit:&lt;transaction id&gt;</c>, like <see cref="RecordedCut"/>, so no column is added and a row recorded by an
/// older collector (a bare id, written AFTER the write was acknowledged) keeps its meaning. The difference matters at
/// recovery: an OPEN transaction of a bare row holds all its events (commit it), an OPEN one of this kind may hold none
/// or only part of them (the call did not finish): it was never committed, so it is aborted and its events are written
/// again in a new transaction.
/// </summary>
public static class WriteCommitPending
{
    private const string Prefix = "write+commit:";

    /// <summary>The pending row for <paramref name="txnId"/> holding queued events <paramref name="firstId"/>..<paramref name="lastId"/>.</summary>
    public static PendingTransaction Of(string txnId, long firstId, long lastId) => new(Prefix + txnId, firstId, lastId);

    /// <summary>True when the row was recorded before a one-call write + commit.</summary>
    public static bool IsWriteCommit(PendingTransaction pending) => pending.TxnId.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>The gateway's transaction id of an explicit-transaction pending row (either kind).</summary>
    public static string GatewayTxnId(PendingTransaction pending) => IsWriteCommit(pending) ? pending.TxnId[Prefix.Length..] : pending.TxnId;
}
