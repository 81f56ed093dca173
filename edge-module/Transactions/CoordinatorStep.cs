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
