namespace SensorStream.Streams.Exporting;

/// <summary>Size and age of one buffered chunk, as the planner needs them.</summary>
public readonly record struct ChunkSummary(long Seq, long Rows, long Bytes, DateTimeOffset Created);

/// <summary>
/// The two decisions of the export, pure (the exporter feeds it what it read and the clock):
/// how many chunks one step takes (<see cref="Fits"/>: bounded rows, source bytes and chunks, so a backlog is worked
/// off in bounded steps), and when an open part of a table becomes a file (<see cref="RollReason"/>): when it is full
/// (rows or estimated bytes), when its oldest rows have waited the roll time, when no row of it arrived for the
/// idle-flush time — or, decided by the exporter, when its hour is complete or a flush is requested. This is
/// Flink's DefaultRollingPolicy (part size, rollover interval, inactivity interval) and Kafka Connect's S3 sink
/// (<c>flush.size</c>, <c>rotate.interval.ms</c>) applied per table partition; unlike Flink's bytes written so far,
/// the size is estimated from the rows, since a part is written in one go when it rolls.
/// </summary>
public sealed class ExportPlanner(ExportOptions options)
{
    /// <summary>
    /// A part also rolls once the chunks it spans hold this many times <see cref="ExportOptions.MaxSourceBytesPerStep"/>
    /// (rolling reads them all again: a small table in a busy stream must not make one roll read the whole day).
    /// </summary>
    public const int MaxSpannedSteps = 16;

    /// <summary>A part also rolls at this many chunk spans (bounds its checkpoint entry).</summary>
    public const int MaxSpans = 1_000;

    /// <summary>Whether <paramref name="next"/> still fits in the step of <paramref name="taken"/> (the first chunk always does).</summary>
    public bool Fits(IReadOnlyList<ChunkSummary> taken, ChunkSummary next) =>
        taken.Count == 0 ||
        (taken.Count < options.MaxChunksPerStep &&
         taken.Sum(c => c.Rows) + next.Rows <= options.MaxRowsPerFile &&
         taken.Sum(c => c.Bytes) + next.Bytes <= options.MaxSourceBytesPerStep);

    /// <summary>Whether <paramref name="part"/> can take <paramref name="rows"/> more rows of <paramref name="estimatedBytes"/> and stay within one file.</summary>
    public bool Takes(StagedPart part, long rows, long estimatedBytes) =>
        part.Rows + rows <= options.MaxRowsPerFile && part.EstimatedBytes + estimatedBytes <= options.TargetFileBytes;

    /// <summary>Why <paramref name="part"/> must become a file at <paramref name="now"/>, or null to keep filling it.</summary>
    public string? RollReason(StagedPart part, DateTimeOffset now)
    {
        if (part.Rows >= options.MaxRowsPerFile) return $"{part.Rows} rows";
        if (part.EstimatedBytes >= options.TargetFileBytes) return $"{part.EstimatedBytes} bytes";
        if (part.SpannedBytes >= MaxSpannedSteps * options.MaxSourceBytesPerStep) return $"spans {part.SpannedBytes} source bytes";
        if (part.Spans.Count >= MaxSpans) return $"{part.Spans.Count} spans";
        var oldest = now - part.FirstCreated;
        if (oldest >= options.RollAfter) return $"roll time ({oldest.TotalSeconds:F0} s open)";
        var quiet = now - part.LastCreated;
        if (quiet >= options.IdleFlushAfter) return $"idle flush ({quiet.TotalSeconds:F0} s without new rows)";
        return null;
    }

    /// <summary>When the first of <paramref name="parts"/> rolls by time (null for none), for the idle step's detail.</summary>
    public TimeSpan? NextRollIn(IReadOnlyList<StagedPart> parts, DateTimeOffset now) =>
        parts.Count == 0 ? null : parts.Min(p => Min(p.FirstCreated + options.RollAfter, p.LastCreated + options.IdleFlushAfter)) - now;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
