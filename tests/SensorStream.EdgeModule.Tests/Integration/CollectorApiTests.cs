using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.EdgeModule.Configuration;
using SensorStream.EdgeModule.Queue;
using SensorStream.EdgeModule.Tests.Support;
using SensorStream.Streams.Events;
using SensorStream.Testing;

namespace SensorStream.EdgeModule.Tests.Integration;

/// <summary>The library surface the IoT Edge integration uses, with no gateway listening (everything stays queued).</summary>
[Collection(GatewayCollection.Name)]
public sealed class CollectorApiTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60); // CI runs every test on a loaded 2-core machine

    [Fact]
    public async Task Applying_new_settings_restarts_cleanly_and_sequences_continue()
    {
        using var dir = new TempDirectory();
        var db = dir.File("queue.db");
        // Nobody listens, so a stop would wait its whole shutdown timeout for a drain that cannot happen: keep it short.
        // No flush by age: on a loaded machine a stalled sampler (ticks skipped) would flush partial batches after 1 s,
        // and the batch size would show only if the machine kept up; now every batch until a stop is full.
        var settings = InProcessCollector.Settings(new Uri($"http://127.0.0.1:{FreePort.Next()}"), "api", db) with
        {
            ShutdownTimeout = TimeSpan.FromMilliseconds(100),
            FlushInterval = TimeSpan.FromMinutes(5),
        };
        var log = new TestLogger();
        QueueFile.CreateProvenEmpty(db); // a first start proved the stream empty; then the gateway went away
        await using (var collector = new Collector(settings, log))
        {
            await collector.StartAsync();
            await Poll.UntilAsync(() => collector.GetMetrics().QueueEvents >= 4, Timeout, "queued events");

            var refused = await Assert.ThrowsAsync<SettingsException>(() => collector.ApplySettingsAsync(collector.Settings with { Batch = 0 }));
            Assert.Equal("Batch", refused.Setting.Key);
            Assert.Equal(100, collector.Settings.Batch);

            await collector.ApplySettingsAsync(collector.Settings with { Batch = 250 });
            Assert.True(collector.IsRunning);
            Assert.Equal(250, collector.Settings.Batch);
            var queuedBefore = collector.GetMetrics().QueueEvents;
            await Poll.UntilAsync(() => collector.GetMetrics().QueueEvents >= queuedBefore + 4, Timeout, "events of the new configuration");
            var flush = await collector.FlushAsync(TimeSpan.FromMilliseconds(200));
            Assert.False(flush.Drained); // nobody is listening: the queue keeps everything
            Assert.False(collector.GetMetrics().GatewayAvailable);
        }

        // Every sample ever taken is queued, each sensor chained from 0 across the restart, batches of 100 then 250.
        using var queue = EventQueue.Open(db, new QueueOptions(), NullLogger.Instance);
        var events = queue.ReadAfter(0, 100_000, long.MaxValue).Select(e => SampleBatchJson.Deserialize(e.Data)).ToList();
        foreach (var sensor in EdgeArgs.TwoSensors)
        {
            var mine = events.Where(e => e.SensorId == sensor).ToList();
            Assert.Equal(0, mine[0].FirstSequence);
            for (var i = 1; i < mine.Count; i++) Assert.Equal(mine[i - 1].NextSequence, mine[i].FirstSequence);
            // Both sensors are read at every tick, so their batches fill together: full ones of 100, then of 250 after the
            // restart; only a stop (the restart, the end) hands over a shorter one.
            var firstOf250 = mine.FindIndex(e => e.Count == 250);
            Assert.True(firstOf250 > 0, $"{sensor}: no full batch of 250 after the restart");
            Assert.All(mine.Take(firstOf250 - 1), e => Assert.Equal(100, e.Count));
            Assert.All(mine.Skip(firstOf250), e => Assert.InRange(e.Count, 1, 250));
            Assert.Equal(queue.NextSequences()[sensor], mine[^1].NextSequence);
        }
    }
}
