namespace SensorStream.EdgeModule.Queue;

public sealed record QueueOptions
{
    /// <summary>Bound on the bytes of queued events (the database file itself keeps its high-water size).</summary>
    public long MaxBytes { get; init; } = 1024L * 1024 * 1024;

    public QueueFullPolicy FullPolicy { get; init; } = QueueFullPolicy.Reject;

    /// <summary>
    /// Samples per sensor reserved at a time in the high-water mark file (<c>&lt;db&gt;.hwm</c>, one fsync per block):
    /// larger means fewer writes, and a larger skip when the progress file is found unreadable. 100 000 = 100 s at 1 kHz.
    /// </summary>
    public long SequenceBlock { get; init; } = 100_000;
}
