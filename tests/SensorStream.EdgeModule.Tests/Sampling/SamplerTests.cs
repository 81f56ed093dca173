using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.EdgeModule.Sampling;
using SensorStream.EdgeModule.Sensors;
using SensorStream.EdgeModule.Tests.Support;
using SensorStream.Streams.Events;
using SensorStream.Testing;

namespace SensorStream.EdgeModule.Tests.Sampling;

public sealed class SamplerTests
{
    /// <summary>For conditions that take well under a second idle: CI runs every test on a loaded 2-core machine.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static (Sampler Sampler, ConcurrentQueue<SampleBatch> Batches) Start(SamplerOptions options, IReadOnlyDictionary<string, long> next, params ISensor[] sensors)
    {
        var batches = new ConcurrentQueue<SampleBatch>();
        var sampler = new Sampler(options, sensors, next, batches.Enqueue, NullLogger.Instance);
        sampler.Start();
        return (sampler, batches);
    }

    [Fact]
    public async Task Full_batches_chain_by_sequence_from_the_given_start_and_carry_every_column()
    {
        var (sampler, batches) = Start(new SamplerOptions { RateHz = 1000, BatchSize = 50, FlushInterval = TimeSpan.FromMinutes(1) },
            new Dictionary<string, long> { ["a"] = 1234 }, new SyntheticSensor("a"), new SyntheticSensor("b"));
        await Poll.UntilAsync(() => batches.Count(b => b.SensorId == "a") >= 6, Timeout, "six batches of sensor a");
        await sampler.StopAsync();
        sampler.Dispose();

        foreach (var (sensor, start) in new[] { ("a", 1234L), ("b", 0L) })
        {
            var mine = batches.Where(b => b.SensorId == sensor).ToList();
            var next = start;
            foreach (var batch in mine)
            {
                Assert.Equal(next, batch.FirstSequence);
                // Each sample holds its own sequence and the deterministic value for it.
                Assert.Equal(Enumerable.Range(0, batch.Count).Select(i => batch.FirstSequence + i), batch.LongColumn("Sample"));
                Assert.Equal(batch.LongColumn("Sample")!.Select(SyntheticSensor.ValueAt), batch.DoubleColumn("Value"));
                Assert.True(batch.TimestampNanos.Zip(batch.TimestampNanos.Skip(1)).All(p => p.First < p.Second), "timestamps increase");
                next = batch.NextSequence;
            }
            // All but the last (flushed at stop) are full.
            Assert.All(mine.SkipLast(1), b => Assert.Equal(50, b.Count));
            Assert.Equal(sampler.Samples, batches.Sum(b => (long)b.Count));
        }
        // Both sensors are read at the same deadlines, one after the other, each stamped with its own read time:
        // b's sample k is taken after a's sample k and before a's sample k + 1.
        var a = batches.Where(b => b.SensorId == "a").SelectMany(b => b.TimestampNanos).ToArray();
        var b = batches.Where(b => b.SensorId == "b").SelectMany(b => b.TimestampNanos).ToArray();
        Assert.Equal(a.Length, b.Length);
        for (var k = 0; k < a.Length; k++)
        {
            Assert.True(b[k] >= a[k], $"b's sample {k} is read after a's");
            if (k + 1 < a.Length) Assert.True(b[k] < a[k + 1], $"b's sample {k} is read before a's sample {k + 1}");
        }
        Assert.All(sampler.SensorStats, s => Assert.Equal(sampler.Stats.MissedTicks, s.Missed));
    }

    [Fact]
    public async Task Flush_interval_emits_partial_batches()
    {
        var (sampler, batches) = Start(new SamplerOptions { RateHz = 1000, BatchSize = 1000, FlushInterval = TimeSpan.FromMilliseconds(50) },
            new Dictionary<string, long>(), new SyntheticSensor("a"));
        await Poll.UntilAsync(() => batches.Count >= 3, Timeout, "three flushed batches");
        await sampler.StopAsync();
        sampler.Dispose();

        // Not a timing assumption: a batch holds the ticks whose deadlines fall within the flush interval (plus a period of
        // lateness) of its first sample, and the tick that flushes it. Deadlines are a period apart and a stalled loop skips
        // the ones that passed (counted missed, never filled), so however loaded the machine, a batch flushed by the
        // interval holds at most 50 ms / 1 ms + 2 = 52 samples, far from the 1000 that would make it full.
        var list = batches.ToList();
        Assert.All(list.Take(3), b => Assert.InRange(b.Count, 1, 52));
        Assert.Equal(0, list[0].FirstSequence);
        for (var i = 1; i < list.Count; i++) Assert.Equal(list[i - 1].NextSequence, list[i].FirstSequence);
        Assert.Equal(sampler.Samples, list.Sum(b => (long)b.Count));
    }

    [Fact]
    public async Task Flush_now_hands_over_the_open_batch()
    {
        var (sampler, batches) = Start(new SamplerOptions { RateHz = 1000, BatchSize = 1000, FlushInterval = TimeSpan.FromMinutes(1) },
            new Dictionary<string, long>(), new SyntheticSensor("a"));
        await Poll.UntilAsync(() => sampler.Samples >= 20, Timeout, "20 samples");
        // The contract, not the timing: every sample taken before the request is handed over when the flush completes,
        // the open batch as a partial one. A loaded machine may let more samples (even full batches) arrive meanwhile.
        var takenBefore = sampler.Samples;
        await sampler.FlushAsync().WaitAsync(Timeout);
        var handedOver = batches.ToList();
        Assert.True(handedOver.Sum(b => (long)b.Count) >= takenBefore,
            $"{handedOver.Sum(b => (long)b.Count)} samples handed over by the flush, {takenBefore} taken before it");
        // With a one-minute flush interval only a flush makes a batch shorter than 1000: the first partial one ends the
        // samples taken up to the request, every batch before it is full.
        var partial = handedOver.FindIndex(b => b.Count < 1000);
        if (partial >= 0) Assert.All(handedOver.Take(partial), b => Assert.Equal(1000, b.Count));
        await sampler.StopAsync();
        sampler.Dispose();
        var all = batches.ToList();
        for (var i = 1; i < all.Count; i++) Assert.Equal(all[i - 1].NextSequence, all[i].FirstSequence);
        Assert.Equal(0, all[0].FirstSequence);
        Assert.Equal(sampler.Samples, all.Sum(b => (long)b.Count));
    }

    [Fact]
    public async Task A_failing_sensor_is_counted_and_skipped_without_stopping_the_others()
    {
        var (sampler, batches) = Start(new SamplerOptions { RateHz = 1000, BatchSize = 10, FlushInterval = TimeSpan.FromMinutes(1) },
            new Dictionary<string, long>(), new FailingSensor(), new SyntheticSensor("ok"));
        await Poll.UntilAsync(() => batches.Count >= 3, Timeout, "batches of the healthy sensor");
        await sampler.StopAsync();
        sampler.Dispose();
        Assert.All(batches, b => Assert.Equal("ok", b.SensorId));
        // Every tick reads both sensors: one failed read of the broken one per sample of the healthy one, however many ticks ran.
        var ok = sampler.SensorStats.Single(s => s.SensorId == "ok");
        Assert.True(ok.Samples >= 30);
        Assert.Equal(ok.Samples, sampler.SensorStats.Single(s => s.SensorId == "broken").ReadErrors);
        Assert.Equal(0, ok.ReadErrors);
        Assert.Equal(ok.Samples, batches.Sum(b => (long)b.Count));
    }

    [Fact]
    public async Task Lateness_is_per_sensor_a_slow_read_makes_the_next_sensor_late_and_its_timestamp_is_its_own_read_time()
    {
        // At 1 kHz the slow sensor's read takes 0.7 ms: the sensor read after it is always more than half a period late.
        // Not a timing assumption: the slow read spins until 0.7 ms of the sampler's own clock (Stopwatch) have passed, so a
        // preempted read only makes 'next' later; a stalled loop skips deadlines (counted missed for both), never samples.
        var (sampler, batches) = Start(new SamplerOptions { RateHz = 1000, BatchSize = 100, FlushInterval = TimeSpan.FromMinutes(1) },
            new Dictionary<string, long>(), new SlowSensor("slow", TimeSpan.FromMilliseconds(0.7)), new SyntheticSensor("next"));
        await Poll.UntilAsync(() => batches.Count(b => b.SensorId == "next") >= 2, Timeout, "two batches of the sensor read second");
        await sampler.StopAsync();
        sampler.Dispose();

        var slow = sampler.SensorStats.Single(s => s.SensorId == "slow");
        var next = sampler.SensorStats.Single(s => s.SensorId == "next");
        Assert.Equal(next.Samples, next.Late);
        Assert.True(slow.Late <= next.Late);
        Assert.Equal(slow.Missed, next.Missed); // a skipped deadline is missed by every sensor of the loop
        Assert.True(next.MaxLatenessNanos >= 700_000);
        var slowTimes = batches.Where(b => b.SensorId == "slow").SelectMany(b => b.TimestampNanos).ToArray();
        var nextTimes = batches.Where(b => b.SensorId == "next").SelectMany(b => b.TimestampNanos).ToArray();
        for (var k = 0; k < nextTimes.Length; k++) Assert.True(nextTimes[k] - slowTimes[k] >= 700_000, $"sample {k} of 'next' is stamped at its own read");
    }

    [Fact]
    public void Histogram_quantiles_follow_recorded_values()
    {
        var h = new LatencyHistogram();
        for (var i = 1; i <= 1000; i++) h.Record(i * 1000L); // 1..1000 µs
        // Buckets are 1 µs wide and report their upper bound.
        Assert.Equal(501_000, h.QuantileNanos(0.5));
        Assert.Equal(991_000, h.QuantileNanos(0.99));
        Assert.Equal(1_000_000, h.MaxNanos);
        h.Record(50_000_000); // 50 ms lands in a coarse bucket
        Assert.Equal(50_000_000, h.MaxNanos);
        Assert.Equal(50_000_000, h.QuantileNanos(1.0));
    }

    private sealed class SlowSensor(string id, TimeSpan readTime) : ISensor
    {
        public string SensorId => id;
        public SensorShape Shape { get; } = new([], ["V"], []);

        public void Read(long sequence, Span<long> longs, Span<double> doubles)
        {
            var until = System.Diagnostics.Stopwatch.GetTimestamp() + (long)(readTime.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
            while (System.Diagnostics.Stopwatch.GetTimestamp() < until) Thread.SpinWait(10); // a slow bus transfer
            doubles[0] = sequence;
        }

        public void Dispose() { }
    }

    private sealed class FailingSensor : ISensor
    {
        public string SensorId => "broken";
        public SensorShape Shape { get; } = new([], ["V"], []);
        public void Read(long sequence, Span<long> longs, Span<double> doubles) => throw new IOException("bus error");
        public void Dispose() { }
    }
}
