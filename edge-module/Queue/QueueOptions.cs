namespace SensorStream.EdgeModule.Queue;

public sealed record QueueOptions
{
    /// <summary>Bound on the bytes of queued events (the database file itself keeps its high-water size).</summary>
    public long MaxBytes { get; init; } = 1024L * 1024 * 1024;

    /// <summary>
    /// The one wording of something that can never be queued, whatever drains: <paramref name="what"/> of
    /// <paramref name="bytes"/> is larger than the whole queue (a setting problem, not a full queue: an event of a sampled
    /// sensor, <see cref="FullQueueReporter"/>; a CSV part of one row, the importer's wait), then <paramref name="outcome"/>.
    /// Null when it fits. The start-up check refuses a <c>--max-queue-mb</c> that cannot hold a sampled sensor's event.
    /// </summary>
    public string? LargerThanWhole(string what, long bytes, string outcome) =>
        bytes <= MaxBytes ? null : $"{what} is {bytes} bytes, larger than the whole queue ({MaxBytes} bytes): {outcome}";

    public QueueFullPolicy FullPolicy { get; init; } = QueueFullPolicy.Reject;

    /// <summary>
    /// How the queue's advice names the setting of <see cref="MaxBytes"/> (the collector passes its flag from the
    /// settings catalog, <c>--max-queue-mb</c>); words for a queue opened by other code.
    /// </summary>
    public string MaxBytesSetting { get; init; } = "the queue's size bound";

    /// <summary>
    /// How the queue's advice names the setting of samples per event (the collector passes its flag, <c>--batch</c>);
    /// words for a queue opened by other code.
    /// </summary>
    public string BatchSetting { get; init; } = "the samples per event";

    /// <summary>
    /// Samples per sensor reserved at a time in the high-water mark file (<c>&lt;db&gt;.hwm</c>, one fsync per block):
    /// larger means fewer writes, and a larger skip when the progress file is found unreadable. 100 000 = 100 s at 1 kHz.
    /// </summary>
    public long SequenceBlock { get; init; } = 100_000;
}
