namespace SensorStream.Streams.Exporting;

/// <summary>Size and age of one buffered chunk, as the planner needs them.</summary>
public readonly record struct ChunkSummary(long Seq, long Rows, long Bytes, DateTimeOffset Created);

public enum PlanDecision
{
    /// <summary>No chunk waits for export.</summary>
    Nothing,

    /// <summary>Chunks wait, but the file is not full and neither the roll time nor the idle-flush time has come.</summary>
    Wait,

    Export,
}

public sealed record ExportPlan(PlanDecision Decision, string Reason);

/// <summary>
/// Decides when buffered chunks become a file: when the next chunk would overflow the file (rows, source bytes or
/// chunk count), when the oldest buffered chunk reached the roll time, or when no chunk arrived for the idle-flush
/// time (so an idle stream still flushes). Pure: the exporter feeds it what it read and the clock.
/// </summary>
public sealed class ExportPlanner(ExportOptions options)
{
    /// <summary>Whether <paramref name="next"/> still fits in the file of <paramref name="taken"/> (the first chunk always does).</summary>
    public bool Fits(IReadOnlyList<ChunkSummary> taken, ChunkSummary next) =>
        taken.Count == 0 ||
        (taken.Count < options.MaxChunksPerFile &&
         taken.Sum(c => c.Rows) + next.Rows <= options.MaxRowsPerFile &&
         taken.Sum(c => c.Bytes) + next.Bytes <= options.MaxSourceBytesPerFile);

    /// <param name="taken">Consecutive chunks from the export position that fit in one file.</param>
    /// <param name="full">A further chunk exists that did not fit.</param>
    /// <param name="now">The current time.</param>
    /// <param name="flushNow">A manual trigger: export what is buffered now.</param>
    public ExportPlan Decide(IReadOnlyList<ChunkSummary> taken, bool full, DateTimeOffset now, bool flushNow = false)
    {
        if (taken.Count == 0) return new(PlanDecision.Nothing, "no chunk to export");
        if (full) return new(PlanDecision.Export, "file full");
        if (flushNow) return new(PlanDecision.Export, "flush requested");
        if (taken.Count >= options.MaxChunksPerFile) return new(PlanDecision.Export, "chunk limit");
        var oldest = now - taken[0].Created;
        if (oldest >= options.RollAfter) return new(PlanDecision.Export, $"roll time ({oldest.TotalSeconds:F0} s buffered)");
        var quiet = now - taken[^1].Created;
        if (quiet >= options.IdleFlushAfter) return new(PlanDecision.Export, $"idle flush ({quiet.TotalSeconds:F0} s without new data)");
        return new(PlanDecision.Wait,
            $"{taken.Count} chunks, {taken.Sum(c => c.Rows)} rows buffered; idle flush in {(options.IdleFlushAfter - quiet).TotalSeconds:F0} s");
    }
}
