namespace SensorStream.Streams.Mirroring;

/// <summary>What one bounded step did.</summary>
public enum StepOutcome
{
    /// <summary>Nothing to do now (caught up, or an export is waiting to fill or for its idle-flush time).</summary>
    Idle,

    /// <summary>Committed a chunk, a transaction or an export range.</summary>
    Progress,

    /// <summary>Another worker committed the same step first; nothing of this attempt is visible.</summary>
    LostRace,
}

/// <summary>
/// Result of one step: outcome, how much it moved, and whether more work is waiting (the caller loops on that).
/// A plain record so it crosses the durable activity boundary as JSON.
/// </summary>
public sealed record StepResult(StepOutcome Outcome, long Events, long Bytes, bool MoreAvailable, string Detail)
{
    public static StepResult Idle(string detail) => new(StepOutcome.Idle, 0, 0, false, detail);

    public static StepResult Lost(string detail) => new(StepOutcome.LostRace, 0, 0, true, detail);
}
