using SensorStream.EdgeModule.Queue;
using SensorStream.EdgeModule.Tests.Support;
using SensorStream.Streams.Naming;
using SensorStream.Testing;

namespace SensorStream.EdgeModule.Tests.Integration;

/// <summary>The gateway goes away and comes back; the queue fills up: sampling never stops and nothing is lost silently.</summary>
[Collection(GatewayCollection.Name)]
public sealed class OutageTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData(GatewayModes.Extended)]
    [InlineData(GatewayModes.Public)]
    public async Task Gateway_down_for_a_while_then_back_leaves_no_gap(string mode)
    {
        using var dir = new TempDirectory();
        var gateway = await GatewayModes.StartAsync(mode, dir.File("gateway"));
        var stream = new StreamName("edge", "outage-" + mode);
        var db = dir.File("queue.db");
        var log = new TestLogger();
        await using var collector = new Collector(InProcessCollector.Settings(gateway.Endpoint, stream.Stream, db), log);
        try
        {
            await collector.StartAsync();
            await Poll.UntilAsync(() => collector.GetMetrics().CommittedTransactions >= 3, Timeout, "first commits");
            Assert.Equal(mode, collector.GetMetrics().GatewayProtocol);

            gateway.Kill();
            var errorsBefore = collector.GetMetrics().GatewayErrors;
            var samplesAtOutage = collector.GetMetrics().SamplesTotal;
            await Poll.UntilAsync(() => collector.GetMetrics() is var m && m.GatewayErrors > errorsBefore && m.QueueEvents >= 30,
                Timeout, "errors and a growing queue while the gateway is down");
            Assert.True(collector.GetMetrics().SamplesTotal > samplesAtOutage, "sampling continues during the outage");
            Assert.False(collector.GetMetrics().GatewayAvailable);

            await using var back = await gateway.RestartAsync();
            var flush = await collector.FlushAsync(Timeout);
            Assert.True(flush.Drained, $"queue drained after the gateway came back ({flush.QueueEvents} events left)");
            Assert.True(collector.GetMetrics().GatewayAvailable);
            await collector.StopAsync();

            var final = QueueFile.Inspect(db);
            Assert.Equal(0, final.Stats.Events);
            Assert.Empty(final.Losses);
            var audit = await StreamAudit.ReadAsync(back.Endpoint, stream);
            foreach (var sensor in EdgeArgs.TwoSensors) audit.AssertExactlyOnce(sensor, final.Next[sensor]);
            Assert.Contains(log.Lines, l => l.Contains("reachable again after"));
            Assert.Equal(mode == GatewayModes.Public ? 1 : 0, log.Lines.Count(l => l.Contains(GatewayModes.SwitchLine)));
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(QueueFullPolicy.Reject, EventQueue.RejectedReason)]
    [InlineData(QueueFullPolicy.DropOldest, EventQueue.DroppedReason)]
    public async Task A_full_queue_applies_its_policy_and_records_every_lost_range(QueueFullPolicy policy, string reason)
    {
        using var dir = new TempDirectory();
        var port = FreePort.Next();
        var endpoint = new Uri($"http://127.0.0.1:{port}");
        var stream = new StreamName("edge", "full-" + policy.ToString().ToLowerInvariant());
        var db = dir.File("queue.db");
        var log = new TestLogger();
        QueueFile.CreateProvenEmpty(db); // a first start proved the stream empty; then the gateway went away
        // ~50 KB: about a dozen events of 100 samples.
        await using var collector = new Collector(InProcessCollector.Settings(endpoint, stream.Stream, db, maxQueueMb: 0.05, policy), log);
        await collector.StartAsync();
        await Poll.UntilAsync(() => collector.GetMetrics() is var m && m.RejectedSamples + m.DroppedSamples >= 1000, Timeout,
            "the queue-full policy at work while no gateway is listening");
        Assert.Contains(log.Lines, l => l.Contains("Queue full") && l.Contains(policy.ToString()));

        await using var gateway = await GatewayProcess.StartAsync(dir.File("gateway"), port: port);
        Assert.True((await collector.FlushAsync(Timeout)).Drained);
        await collector.StopAsync();

        var final = QueueFile.Inspect(db);
        Assert.Equal(0, final.Stats.Events);
        Assert.NotEmpty(final.Losses);
        Assert.All(final.Losses, l => Assert.Equal(reason, l.Reason));
        var audit = await StreamAudit.ReadAsync(gateway.Endpoint, stream);
        foreach (var sensor in EdgeArgs.TwoSensors) audit.AssertExactlyOnce(sensor, final.Next[sensor], final.Losses);
        Assert.Equal(final.Losses.Sum(l => l.SampleCount), policy == QueueFullPolicy.Reject ? final.Stats.RejectedSamples : final.Stats.DroppedSamples);
    }
}
