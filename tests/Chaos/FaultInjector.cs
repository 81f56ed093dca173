using SensorStream.Cli.Local;

namespace SensorStream.Chaos;

/// <summary>Applies planned faults to the running pipeline and brings the components back.</summary>
public sealed class FaultInjector(LocalPipeline pipeline, Action<string> log)
{
    public Dictionary<FaultKind, int> Injected { get; } = Enum.GetValues<FaultKind>().ToDictionary(k => k, _ => 0);

    public async Task InjectAsync(PlannedFault fault, CancellationToken ct)
    {
        log($"fault {fault.Kind} (down {fault.Downtime.TotalMilliseconds:0} ms)");
        string[] affected = fault.Kind switch
        {
            FaultKind.KillEdge => [LocalPipeline.EdgeName],
            FaultKind.KillGateway or FaultKind.GatewayOutage => [LocalPipeline.GatewayName],
            FaultKind.KillCloud => [LocalPipeline.CloudName],
            FaultKind.RestartAzurite => [LocalPipeline.AzuriteName],
            FaultKind.PowerCut => [.. LocalPipeline.Order],
            _ => throw new ArgumentOutOfRangeException(nameof(fault)),
        };
        foreach (var name in affected)
        {
            // Azurite stands in for Azure Storage, which never loses an acknowledged write; Azurite itself persists its
            // index only every few seconds, so a SIGKILL would model a storage failure Azure does not have. It is
            // therefore always restarted gracefully (SIGTERM), also in a power cut of the edge site.
            if (fault.Kind == FaultKind.GatewayOutage || name == LocalPipeline.AzuriteName) await pipeline.StopComponentAsync(name);
            else pipeline.Kill(name);
        }
        Injected[fault.Kind]++;
        // The downtime is the fault itself (an outage of this length), not a synchronization wait.
        await Task.Delay(fault.Downtime, ct);
        await RestoreAsync(ct);
    }

    /// <summary>Starts every component that is not running, in dependency order.</summary>
    public async Task RestoreAsync(CancellationToken ct)
    {
        foreach (var name in LocalPipeline.Order)
            if (!pipeline.IsRunning(name)) await pipeline.StartComponentAsync(name, ct);
    }

    public int Total => Injected.Values.Sum();
}
