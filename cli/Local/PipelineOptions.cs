using SensorStream.Streams.Naming;

namespace SensorStream.Cli.Local;

/// <summary>What the one-command local run starts.</summary>
public sealed record PipelineOptions(string DataDir, IReadOnlyList<string> Sensors, int RateHz, int Batch, StreamName Stream)
{
    /// <summary>Settings for the cloud host on top of the local defaults (schedules, batch limits, idle flush).</summary>
    public IReadOnlyDictionary<string, string> CloudSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// https with a self-signed certificate and a bearer token on the gateway (<see cref="LocalCredentials"/>); the edge,
    /// the cloud host and the CLI's commands connect with them.
    /// </summary>
    public bool Secure { get; init; }

    /// <summary>
    /// Extra environment per component (keyed by <see cref="LocalPipeline"/>'s component names), e.g. the chaos
    /// harness's fault-injection library for the processes whose disks it stalls.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> ComponentEnvironment { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, string>>();

    public string LogDir => Path.Combine(DataDir, "logs");
}
