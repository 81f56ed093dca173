using SensorStream.Streams.Naming;

namespace SensorStream.Cli.Local;

/// <summary>What the one-command local run starts.</summary>
public sealed record PipelineOptions(string DataDir, IReadOnlyList<string> Sensors, int RateHz, int Batch, StreamName Stream)
{
    /// <summary>Settings for the cloud host on top of the local defaults (schedules, batch limits, idle flush).</summary>
    public IReadOnlyDictionary<string, string> CloudSettings { get; init; } = new Dictionary<string, string>();

    public string LogDir => Path.Combine(DataDir, "logs");
}
