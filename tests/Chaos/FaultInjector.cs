using SensorStream.Cli.Local;
using SensorStream.Streams.Client;
using SensorStream.Testing;

namespace SensorStream.Chaos;

/// <summary>Applies planned faults to the running pipeline and brings the components back.</summary>
public sealed class FaultInjector(LocalPipeline pipeline, FsyncStall? fsyncStall, EdgeDisk? edgeDisk, CsvFeeder csv, FileDamage damage, Action<string> log)
{
    /// <summary>
    /// The kinds this machine can inject: disk stalls need a C compiler, a full disk needs a tmpfs mount; file damage
    /// only where <paramref name="fileDamage"/> (<c>--file-damage</c>) names the component.
    /// </summary>
    public static IReadOnlyList<FaultKind> Available(FsyncStall? fsyncStall, EdgeDisk? edgeDisk, IReadOnlySet<string> fileDamage) =>
        Enum.GetValues<FaultKind>().Where(k => k switch
        {
            FaultKind.StallEdgeDisk or FaultKind.StallGatewayDisk => fsyncStall is not null,
            FaultKind.EdgeDiskFull => edgeDisk is not null,
            FaultKind.DamageEdgeQueue => fileDamage.Contains("edge"),
            FaultKind.DamageGatewayFile => fileDamage.Contains("gateway"),
            _ => true,
        }).ToList();

    /// <summary>Gateway starts refused on a damaged file, each naming it (then repaired from the backup).</summary>
    public int GatewayRefusals { get; private set; }

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
            case FaultKind.DamageEdgeQueue:
                pipeline.Kill(LocalPipeline.EdgeName);
                log($"edge queue damage: {damage.DamageEdgeQueue()}");
                await HoldAsync(fault, ct, () => { });
                await RestoreAsync(ct);
                break;
            case FaultKind.DamageGatewayFile:
                pipeline.Kill(LocalPipeline.GatewayName);
                var (what, file, backup) = damage.DamageGatewayFile();
                log($"gateway file damage: {what}");
                await HoldAsync(fault, ct, () => { });
                await StartDamagedGatewayAsync(file, backup, ct);
                await RestoreAsync(ct);
                break;
            case FaultKind.ScaleStream:
                var segments = 1 + (int)(fault.Downtime.TotalMilliseconds % 6); // from the seeded schedule
                using (var gateway = new GatewayClient(pipeline.State.ClientOptions()))
                    await gateway.ScaleStreamAsync(pipeline.Options.Stream, segments, ct: ct);
                log($"stream {pipeline.Options.Stream} scaled to {segments} segment(s)");
                await HoldAsync(fault, ct, () => { });
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

    /// <summary>
    /// Starts the gateway on its damaged file. Refusing is right ("detect, never guess") when the refusal names the file;
    /// the file is then repaired from its backup. A gateway that starts must serve without loss (the final audit judges).
    /// </summary>
    private async Task StartDamagedGatewayAsync(string file, string backup, CancellationToken ct)
    {
        try
        {
            await pipeline.StartComponentAsync(LocalPipeline.GatewayName, ct);
            log("gateway started on the damaged file");
        }
        catch (InvalidOperationException e)
        {
            if (e.Message.Contains(Path.GetFileName(file), StringComparison.Ordinal))
            {
                GatewayRefusals++;
                log($"gateway refused to start, naming {Path.GetFileName(file)}: repaired from the backup");
            }
            else
            {
                var problem = $"gateway refused to start on damaged {file} without naming it: {e.Message.Split('\n')[0]}";
                log($"PROBLEM: {problem}");
                Problems.Add(problem);
            }
            FileDamage.Repair(file, backup);
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
