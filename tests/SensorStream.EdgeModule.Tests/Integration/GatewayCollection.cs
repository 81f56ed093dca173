namespace SensorStream.EdgeModule.Tests.Integration;

/// <summary>
/// Tests against a real gateway run one at a time: each samples at 1 kHz, and two cores shared by several
/// collectors and gateways at once would only measure the scheduler.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GatewayCollection
{
    public const string Name = "real gateway";
}
