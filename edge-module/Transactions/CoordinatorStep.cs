namespace SensorStream.EdgeModule.Transactions;

/// <summary>The points of the two-phase commit (and of the CSV import feeding it) where a crash or a fault can be injected (tests).</summary>
public enum CoordinatorStep
{
    AfterBegin,
    AfterWrite,
    AfterPending,
    AfterCommit,
    AfterDelete,
    /// <summary>
    /// Recovery: the pending row of an aborted/unknown (or open and now aborted) transaction was replaced by a new
    /// transaction's, before its events are written there (public protocol: the new cut recorded, before the rewrite).
    /// </summary>
    AfterRewrite,
    /// <summary>
    /// Pipeline (two transactions in flight): transaction N+1 was begun and recorded pending while N's commit call is under
    /// way, before any of N+1's events are sent. Two pending rows: N's outcome is the call's, N+1 is OPEN and empty.
    /// </summary>
    AfterNextPending,
    /// <summary>
    /// Pipeline: N's commit was acknowledged (its events and pending row not yet deleted) and N+1's events were written
    /// without commit; N+1's commit is not sent yet. Two pending rows: N COMMITTED, N+1 OPEN holding all its events.
    /// </summary>
    AfterNextWrite,
    /// <summary>CSV import: one part of a file (its events and the file's resume position, one SQL transaction) was queued.</summary>
    AfterCsvPart,
}

/// <summary>Called at every <see cref="CoordinatorStep"/>; the default does nothing.</summary>
public interface ICoordinatorFaults
{
    void At(CoordinatorStep step);
}

public sealed class NoFaults : ICoordinatorFaults
{
    public static readonly NoFaults Instance = new();

    public void At(CoordinatorStep step) { }
}
