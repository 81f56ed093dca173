using SensorStream.Gateway.Transactions;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// What a stream's pipeline does for one request: append events, commit, record an abort, scale, or stage part of a
/// write request still being received (journaled under its stage id, made durable by a later round's fsync).
/// </summary>
internal enum PipelineWorkKind { Write, Commit, Abort, Scale, Stage }

/// <summary>
/// One request queued on a stream's pipeline. Every request the pipeline finds waiting shares one journal fsync; a
/// write or abort completes <see cref="Done"/> once durable, a commit completes <see cref="Transaction.Commit"/> once
/// durable and visible to readers.
/// </summary>
internal sealed class PipelineWork(PipelineWorkKind kind, Transaction? txn, IReadOnlyList<(uint KeyHash, ReadOnlyMemory<byte> Event)>? events = null)
{
    public PipelineWorkKind Kind { get; } = kind;

    /// <summary>The transaction written, committed or aborted (not for a scale).</summary>
    public Transaction Txn { get; } = txn!;
    public IReadOnlyList<(uint KeyHash, ReadOnlyMemory<byte> Event)> Events { get; } = events ?? [];

    /// <summary>For a stage: the request's stage id. For a write: the stage whose events it adopts first (null: none).</summary>
    public Guid? StageId { get; init; }

    /// <summary>For a write that adopts a stage: where the staged events are (they come before the write's own).</summary>
    public IReadOnlyList<TransactionEventRef> Adopted { get; init; } = [];

    /// <summary>
    /// A write that also commits its transaction in the same round (one fsync for both): completes
    /// <see cref="Transaction.Commit"/> like a commit, once durable and visible.
    /// </summary>
    public bool CommitAfter { get; init; }

    /// <summary>For a write that commits: how many events the transaction had before it (undone when the round fails before its fsync).</summary>
    public int EventsBefore { get; set; } = -1;

    /// <summary>For a write that adopts a stage: the journal position of the stage's first frame (-1: none).</summary>
    public long AdoptedFrom { get; init; } = -1;

    /// <summary>For a scale: the new epoch's segment count, and why (logged).</summary>
    public int ScaleTo { get; init; }
    public string ScaleReason { get; init; } = "";

    /// <summary>Set by the pipeline when the scale made a new epoch.</summary>
    public bool Scaled { get; set; }
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set by the pipeline for a write: where its events landed and where its first frame starts.</summary>
    public List<TransactionEventRef>? Written { get; set; }
    public long FirstFrame { get; set; }

    /// <summary>True once answered (durable, or failed).</summary>
    public bool IsFinished => Kind == PipelineWorkKind.Commit || CommitAfter ? Txn.Commit?.Task.IsCompleted ?? true : Done.Task.IsCompleted;

    public void Fail(Exception error)
    {
        if (Kind == PipelineWorkKind.Commit || CommitAfter) Txn.Commit?.TrySetException(error);
        Done.TrySetException(error);
    }
}
