namespace SensorStream.Streams.Mirroring;

/// <summary>
/// Checkpoint of a gateway → gateway mirror, kept in a blob replaced by ETag. <see cref="SourceCut"/> is where the
/// next read starts; <see cref="Pending"/> names a target transaction that holds the events up to its
/// <see cref="PendingTransaction.EndCut"/> and was recorded before its commit (record first, then commit).
/// Cuts are <see cref="BlobStreams.StreamCutCodec"/> text.
/// </summary>
public sealed record GatewayMirrorCheckpoint
{
    public string? SourceCut { get; init; }

    public PendingTransaction? Pending { get; init; }

    /// <summary>A write into a public-protocol target, recorded before it was made (<see cref="PublicTargetForward"/>).</summary>
    public PendingWrite? PendingWrite { get; init; }

    public long EventsCommitted { get; init; }

    public long TransactionsCommitted { get; init; }

    /// <summary>
    /// The event time (ns since the Unix epoch) last reported to the target with a commit under
    /// <see cref="GatewayMirror.WriterIdOf"/>: the source's watermark when that commit reached the source's tail.
    /// Null until the source had a watermark.
    /// </summary>
    public long? WriterTime { get; init; }
}

/// <summary>
/// A target transaction whose events are all written; it still has to be committed, with <see cref="WriterTime"/>
/// (the time to report with the commit, null for none).
/// </summary>
public sealed record PendingTransaction(string TxnId, string EndCut, int Events, long Bytes, long? WriterTime = null);
