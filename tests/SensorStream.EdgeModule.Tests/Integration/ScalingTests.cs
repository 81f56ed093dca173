using SensorStream.EdgeModule.Tests.Support;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Testing;

namespace SensorStream.EdgeModule.Tests.Integration;

/// <summary>
/// The stream scales up and down while the collector commits (both protocols: explicit transactions, and the public
/// protocol's recorded-cut read-back): every sample is in the stream exactly once, each sensor in order.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class ScalingTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData(GatewayModes.Extended)]
    [InlineData(GatewayModes.Public)]
    public async Task Scaling_while_the_collector_commits_keeps_every_sample_once_in_order(string mode)
    {
        using var dir = new TempDirectory();
        await using var gateway = await GatewayModes.StartAsync(mode, dir.File("gateway"));
        var stream = new StreamName("edge", "scaling-" + mode);
        var db = dir.File("queue.db");
        await using var collector = new Collector(InProcessCollector.Settings(gateway.Endpoint, stream.Stream, db), new TestLogger());
        using var admin = new GatewayClient(gateway.Endpoint.ToString());
        await collector.StartAsync();
        var committed = 0L;
        foreach (var segments in new[] { 4, 1, 3 })
        {
            // A few commits in each epoch before the next scale.
            var before = committed;
            await Poll.UntilAsync(() => (committed = collector.GetMetrics().CommittedTransactions) >= before + 3, Timeout, "commits");
            Assert.True(await admin.ScaleStreamAsync(stream, segments));
        }
        await Poll.UntilAsync(() => collector.GetMetrics().CommittedTransactions >= committed + 3, Timeout, "commits after the last scale");
        Assert.True((await collector.FlushAsync(Timeout)).Drained);
        await collector.StopAsync();

        var final = QueueFile.Inspect(db);
        Assert.Empty(final.Losses);
        var audit = await StreamAudit.ReadAsync(gateway.Endpoint, stream);
        foreach (var sensor in EdgeArgs.TwoSensors) audit.AssertExactlyOnce(sensor, final.Next[sensor]);
        Assert.Equal(3, (await admin.GetStreamInfoAsync(stream)).Scaling!.Epoch);
    }
}
