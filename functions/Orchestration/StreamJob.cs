namespace SensorStream.Functions.Orchestration;

/// <summary>
/// Input of a per-stream orchestration. <see cref="Generation"/> counts ContinueAsNew restarts and
/// <see cref="Events"/> what earlier generations moved, so a finished instance reports its whole run.
/// </summary>
public sealed record StreamJob(string Stream, bool FlushNow = false, int Generation = 0, long Events = 0, int Steps = 0);

/// <summary>What an orchestration instance did before it ran out of work.</summary>
public sealed record JobReport(string Stream, int Steps, long Events, int Generations, string LastDetail);
