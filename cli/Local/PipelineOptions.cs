using SensorStream.Streams.Naming;

namespace SensorStream.Cli.Local;

/// <summary>What the one-command local run starts.</summary>
public sealed record PipelineOptions(string DataDir, IReadOnlyList<string> Sensors, int RateHz, int Batch, StreamName Stream)
{
    public string LogDir => Path.Combine(DataDir, "logs");
}
