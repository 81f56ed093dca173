using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;

namespace SensorStream.Gateway.Tests;

/// <summary>
/// A full disk on a real 16 MiB tmpfs: writes fail with a clear status, reads keep working, health says NOT_SERVING,
/// and once space is back writes resume without a restart, with every acknowledged commit intact (also after one).
/// Skipped, with the reason printed, where a tmpfs cannot be mounted (needs root).
/// </summary>
public sealed class DiskFullTests
{
    private static readonly StreamName Stream = new("full", "s");

    private static string? Mount(string path)
    {
        try
        {
            using var mount = Process.Start(new ProcessStartInfo("mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", path])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            var error = mount.StandardError.ReadToEnd();
            mount.WaitForExit();
            return mount.ExitCode == 0 ? null : $"mount exited with {mount.ExitCode}: {error.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return e.Message;
        }
    }

    private static async Task<HealthCheckResponse.Types.ServingStatus> HealthAsync(Uri endpoint)
    {
        using var channel = GrpcChannel.ForAddress(endpoint);
        return (await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest())).Status;
    }

    private static async Task<List<long>> SequencesAsync(GatewayClient client) =>
        [.. (await client.ReadRangeAsync(Stream).ToListAsync()).Select(e => Events.Parse(e.Data).Sequence).Order()];

    [Fact]
    public async Task Full_disk_fails_writes_keeps_reads_reports_not_serving_and_writes_resume_when_space_is_back()
    {
        using var dir = new TempDirectory();
        if (Mount(dir.Path) is { } why)
        {
            Console.WriteLine($"SKIPPED Full_disk test: cannot mount a tmpfs here ({why})");
            return;
        }
        try
        {
            var dataDir = Path.Combine(dir.Path, "data");
            var filler = Path.Combine(dir.Path, "filler");
            File.WriteAllBytes(filler, new byte[4 * 1024 * 1024]); // freed later: the space that comes back
            var gw = await TestGateway.StartAsync(s => s with { CheckpointIntervalMs = 200 }, dataDir);
            try
            {
                await gw.Client.EnsureStreamAsync(Stream, segments: 2);
                var acknowledged = new List<long>();
                RpcException? refused = null;
                for (var t = 0; t < 200 && refused is null; t++)
                {
                    var batch = Enumerable.Range(t * 4, 4).Select(i => Events.Make("k" + i % 2, i, 64 * 1024)).ToList();
                    try
                    {
                        var txn = await gw.Client.BeginTransactionAsync(Stream, TimeSpan.FromMinutes(5));
                        await gw.Client.WriteTransactionEventsAsync(Stream, txn, batch);
                        Assert.Equal(TransactionState.Committed, await gw.Client.CommitTransactionAsync(Stream, txn));
                        acknowledged.AddRange(Enumerable.Range(t * 4, 4).Select(i => (long)i));
                    }
                    catch (RpcException e)
                    {
                        refused = e;
                    }
                }
                Assert.NotNull(refused);
                Console.WriteLine($"disk full after {acknowledged.Count / 4} transactions: {refused.StatusCode} {refused.Status.Detail}");
                Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
                Assert.Contains("disk is full", refused.Status.Detail);
                Assert.Contains("nothing of this request was written", refused.Status.Detail);
                Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await HealthAsync(gw.Server.Endpoint));
                Assert.Equal(acknowledged, await SequencesAsync(gw.Client)); // reads keep working, nothing acknowledged lost

                File.Delete(filler);
                await Poll.UntilAsync(() => HealthAsync(gw.Server.Endpoint), s => s == HealthCheckResponse.Types.ServingStatus.Serving,
                    TimeSpan.FromSeconds(60), "health back to SERVING once space is freed");
                var after = await gw.Client.BeginTransactionAsync(Stream, TimeSpan.FromMinutes(5));
                await gw.Client.WriteTransactionEventsAsync(Stream, after, [Events.Make("k0", 100_000, 100)]);
                Assert.Equal(TransactionState.Committed, await gw.Client.CommitTransactionAsync(Stream, after));
                acknowledged.Add(100_000);
                Assert.Equal(acknowledged, await SequencesAsync(gw.Client));

                gw = await gw.RestartAsync();
                Assert.Equal(acknowledged, await SequencesAsync(gw.Client));
            }
            finally
            {
                await gw.DisposeAsync();
            }
        }
        finally
        {
            Process.Start("umount", [dir.Path])!.WaitForExit();
        }
    }
}
