namespace SensorStream.EdgeModule.Queue;

public sealed record QueueOptions
{
    /// <summary>Bound on the bytes of queued events (the database file itself keeps its high-water size).</summary>
    public long MaxBytes { get; init; } = 1024L * 1024 * 1024;

    public QueueFullPolicy FullPolicy { get; init; } = QueueFullPolicy.Reject;
}
