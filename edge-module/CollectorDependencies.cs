using SensorStream.EdgeModule.Sensors;
using SensorStream.EdgeModule.Transactions;

namespace SensorStream.EdgeModule;

/// <summary>Seams for tests and hosts: how sensors are opened and where faults are injected.</summary>
public sealed record CollectorDependencies
{
    public SensorFactory Sensors { get; init; } = new();

    public ICoordinatorFaults Faults { get; init; } = NoFaults.Instance;
}

/// <summary>The outcome of <see cref="Collector.FlushAsync"/>.</summary>
/// <param name="Drained">Everything queued before the call is committed into the stream.</param>
/// <param name="QueueEvents">Events still queued when the call returned.</param>
public sealed record FlushResult(bool Drained, long QueueEvents);
