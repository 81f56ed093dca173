using SensorStream.Cli.Local;
using SensorStream.Testing;

namespace SensorStream.Chaos;

/// <summary>Applies planned faults to the running pipeline and brings the components back.</summary>
public sealed class FaultInjector(LocalPipeline pipeline, FsyncStall? fsyncStall, EdgeDisk? edgeDisk, CsvFeeder csv, Action<string> log)
{
    /// <summary>The kinds this machine can inject: disk stalls need a C compiler, a full disk needs a tmpfs mount.</summary>
    public static IReadOnlyList<FaultKind> Available(FsyncStall? fsyncStall, EdgeDisk? edgeDisk) =>
        Enum.GetValues<FaultKind>().Where(k => k switch
        {
            FaultKind.StallEdgeDisk or FaultKind.StallGatewayDisk => fsyncStall is not null,
            FaultKind.EdgeDiskFull => edgeDisk is not null,
            _ => true,
        }).ToList();

    /// <summary>What the pipeline failed to do after a fault (besides losing or duplicating data, which the audit finds).</summary>
    public List<string> Problems { get; } = [];

    public Dictionary<FaultKind, int> Injected { get; } = Enum.GetValues<FaultKind>().ToDictionary(k => k, _ => 0);

    public async Task InjectAsync(PlannedFault fault, CancellationToken ct)
    {
        log($"fault {fault.Kind} (down {fault.Downtime.TotalMilliseconds:0} ms)");
        switch (fault.Kind)
        {
            case FaultKind.StallEdgeDisk or FaultKind.StallGatewayDisk:
                var component = fault.Kind == FaultKind.StallEdgeDisk ? LocalPipeline.EdgeName : LocalPipeline.GatewayName;
                fsyncStall!.Stall(component);
                await HoldAsync(fault, ct, () => fsyncStall.Release(component));
                break;
            case FaultKind.EdgeDiskFull:
                var filled = edgeDisk!.Fill();
                csv.WriteNext(); // a CSV file arrives while the disk is full: its import must wait, not die
                log($"edge disk full ({filled / (1 << 20)} MiB filler), CSV file {csv.FilesWritten - 1} dropped in");
                await HoldAsync(fault, ct, edgeDisk.Free);
                await ExpectAsync(csv.AllTaken, "the CSV file that arrived during the full disk is imported once space is back", ct);
                break;
            default:
                await StopAsync(fault.Kind);
                await HoldAsync(fault, ct, () => { });
                await RestoreAsync(ct);
                break;
        }
    }

    /// <summary>The downtime is the fault itself (an outage of this length), not a synchronization wait; the end always runs.</summary>
    private async Task HoldAsync(PlannedFault fault, CancellationToken ct, Action end)
    {
        Injected[fault.Kind]++;
        try
        {
            await Task.Delay(fault.Downtime, ct);
        }
        finally
        {
            end();
        }
    }

    private async Task ExpectAsync(Func<bool> condition, string what, CancellationToken ct)
    {
        try
        {
            await Poll.UntilAsync(condition, TimeSpan.FromSeconds(30), what, ct);
        }
        catch (TimeoutException e)
        {
            log($"PROBLEM: {e.Message}");
            Problems.Add(e.Message);
        }
    }

    private async Task StopAsync(FaultKind kind)
    {
        string[] affected = kind switch
        {
            FaultKind.KillEdge => [LocalPipeline.EdgeName],
            FaultKind.KillGateway or FaultKind.GatewayOutage => [LocalPipeline.GatewayName],
            FaultKind.KillCloud => [LocalPipeline.CloudName],
            FaultKind.RestartAzurite => [LocalPipeline.AzuriteName],
            FaultKind.PowerCut => [.. LocalPipeline.Order],
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        foreach (var name in affected)
        {
            // Azurite stands in for Azure Storage, which never loses an acknowledged write; Azurite itself persists its
            // index only every few seconds, so a SIGKILL would model a storage failure Azure does not have. It is
            // therefore always restarted gracefully (SIGTERM), also in a power cut of the edge site.
            if (kind == FaultKind.GatewayOutage || name == LocalPipeline.AzuriteName) await pipeline.StopComponentAsync(name);
            else pipeline.Kill(name);
        }
    }

    /// <summary>Starts every component that is not running, in dependency order.</summary>
    public async Task RestoreAsync(CancellationToken ct)
    {
        foreach (var name in LocalPipeline.Order)
            if (!pipeline.IsRunning(name)) await pipeline.StartComponentAsync(name, ct);
    }

    public int Total => Injected.Values.Sum();
}
