using SensorStream.Streams.Naming;

namespace SensorStream.Functions.Orchestration;

/// <summary>
/// The three per-stream jobs, each an orchestrator that loops one activity. Names are the durable function names;
/// instance ids are derived from the stream so that there is one (singleton) orchestration per job and stream.
/// </summary>
public sealed record JobKind(string Orchestrator, string Activity, string InstancePrefix)
{
    public static readonly JobKind Mirror = new("MirrorOrchestrator", "MirrorStep", "mirror");
    public static readonly JobKind Export = new("ExportOrchestrator", "ExportStep", "export");
    public static readonly JobKind Forward = new("ForwardOrchestrator", "ForwardStep", "forward");

    public static IReadOnlyList<JobKind> All => [Mirror, Export, Forward];

    /// <summary>e.g. <c>mirror:sensors:edge</c> ('/' is not allowed in instance ids; scope and stream names hold no ':').</summary>
    public string InstanceId(StreamName stream) => $"{InstancePrefix}:{stream.Scope}:{stream.Stream}";
}
