using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.EdgeModule.Queue;
using SensorStream.EdgeModule.Sensors;
using SensorStream.EdgeModule.Tests.Support;
using SensorStream.Streams.Client;
using SensorStream.Streams.Events;
using SensorStream.Streams.Naming;
using SensorStream.Testing;

namespace SensorStream.EdgeModule.Tests.Integration;

/// <summary>The collector reports its event time with every commit; the gateway's watermark keeps Pravega's promise.</summary>
[Collection(GatewayCollection.Name)]
public sealed class EventTimeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Every_event_after_the_watermark_cut_is_no_older_than_the_watermark()
    {
        using var dir = new TempDirectory();
        await using var gateway = await GatewayProcess.StartAsync(dir.File("gateway"));
        var stream = new StreamName("edge", "eventtime");
        var started = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        await using (var collector = new Collector(InProcessCollector.Settings(gateway.Endpoint, stream.Stream, dir.File("queue.db")), new TestLogger()))
        {
            await collector.StartAsync();
            await Poll.UntilAsync(() => collector.GetMetrics().CommittedTransactions >= 5, Timeout, "commits");
            await collector.StopAsync();
        }

        using var client = new GatewayClient(gateway.Endpoint.ToString());
        var info = await client.GetStreamInfoAsync(stream);
        var watermark = info.Watermark ?? throw new Xunit.Sdk.XunitException("the collector's commits made no watermark");
        Assert.InRange(watermark.LowerTimeBound, started, (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100);
        var before = await client.ReadRangeAsync(stream, to: watermark.Cut).Select(e => SampleBatchJson.Deserialize(e.Data.Span)).ToListAsync();
        var after = await client.ReadRangeAsync(stream, from: watermark.Cut).Select(e => SampleBatchJson.Deserialize(e.Data.Span)).ToListAsync();
        Assert.NotEmpty(before);
        // Pravega's promise: every sample older than the watermark is before its cut.
        Assert.All(after, e => Assert.True(e.TimestampNanos.Min() >= watermark.LowerTimeBound, $"{e.SensorId} #{e.FirstSequence} is older than the watermark"));
        Assert.True(watermark.UpperTimeBound >= watermark.LowerTimeBound);
    }

    [Fact]
    public async Task An_idle_collector_notes_its_time_without_committing_so_a_quiet_sensor_does_not_hold_the_watermark_back()
    {
        using var dir = new TempDirectory();
        await using var gateway = await GatewayProcess.StartAsync(dir.File("gateway"));
        var stream = new StreamName("edge", "idletime");
        var folder = Directory.CreateDirectory(dir.File("csv")).FullName;
        // Only an empty CSV folder: nothing to commit, ever.
        var settings = InProcessCollector.Settings(gateway.Endpoint, stream.Stream, dir.File("queue.db")) with { Sensors = [SensorSpec.Parse($"csv:{folder}")] };
        using var client = new GatewayClient(gateway.Endpoint.ToString());
        var started = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        await using var collector = new Collector(settings.Validate(), new TestLogger());
        await collector.StartAsync();

        long? first = null;
        await Poll.UntilAsync(async () => (first = await WatermarkAsync(client, stream)) is not null, Timeout, "a watermark without a commit");
        Assert.True(first >= started, $"watermark {first} before the collector started ({started})");
        await Poll.UntilAsync(async () => await WatermarkAsync(client, stream) > first, Timeout, "the idle writer's watermark to advance");
        Assert.Equal(0, collector.GetMetrics().CommittedTransactions);
        Assert.Empty(await client.ReadRangeAsync(stream).ToListAsync());
    }

    /// <summary>The stream's watermark time, or null while it has none (or the collector has not created the stream yet).</summary>
    private static async Task<long?> WatermarkAsync(GatewayClient client, StreamName stream)
    {
        try
        {
            return (await client.GetStreamInfoAsync(stream)).Watermark?.LowerTimeBound;
        }
        catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.NotFound)
        {
            return null;
        }
    }

    [Fact]
    public void The_oldest_queued_sample_counts_whatever_its_position_and_the_cost_is_bounded()
    {
        using var dir = new TempDirectory();
        using var queue = EventQueue.Open(dir.File("queue.db"), new QueueOptions(), NullLogger.Instance);
        Assert.True(queue.TryOldestSampleTime(0, 10, out var none));
        Assert.Null(none);
        queue.Enqueue(new SampleBatch("a", 0, [5_000, 6_000]));
        queue.Enqueue(new SampleBatch("b", 0, [9_000, 2_000, 7_000])); // imported rows need not be in time order
        queue.Enqueue(new SampleBatch("a", 2, [8_000]));
        Assert.True(queue.TryOldestSampleTime(0, 10, out var all));
        Assert.Equal(2_000, all);
        Assert.True(queue.TryOldestSampleTime(2, 10, out var last));
        Assert.Equal(8_000, last);
        Assert.False(queue.TryOldestSampleTime(0, 2, out _));
    }
}
