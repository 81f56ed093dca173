using System.Collections;
using SensorStream.EdgeModule.Configuration;
using SensorStream.EdgeModule.Queue;
using SensorStream.EdgeModule.Tests.Support;
using SensorStream.Streams.Events;

namespace SensorStream.EdgeModule.Tests.Queue;

/// <summary>An event larger than the whole queue is a setting problem, said once with both sizes, not "queue full" forever.</summary>
public sealed class OversizedEventTests
{
    [Theory]
    [InlineData(QueueFullPolicy.Reject)]
    [InlineData(QueueFullPolicy.DropOldest)]
    public void An_event_larger_than_the_whole_queue_is_refused_with_one_line_naming_both_sizes(QueueFullPolicy policy)
    {
        using var dir = new TempDirectory();
        var size = SampleBatchJson.Serialize(EventQueueTests.Batch("s", 0, 100)).Length;
        var log = new TestLogger();
        using var queue = EventQueue.Open(dir.File("q.db"), new QueueOptions { MaxBytes = size - 1, FullPolicy = policy, MaxBytesSetting = "--max-queue-mb", BatchSetting = "--batch" }, log);

        var outcomes = Enumerable.Range(0, 50).Select(i => queue.Enqueue(EventQueueTests.Batch("s", i * 100, 100))).ToList();

        Assert.All(outcomes, o => Assert.Equal(EnqueueOutcome.Rejected, o));
        Assert.Equal(50, queue.Losses().Count); // every refused range is still recorded
        var line = Assert.Single(log.Lines);
        Assert.Equal($"Error: An event of s is {size} bytes, larger than the whole queue ({size - 1} bytes): it can never be queued and its samples " +
                     "are refused (recorded in Losses); raise --max-queue-mb or lower --batch", line);
        Assert.Equal(EnqueueOutcome.Accepted, queue.Enqueue(EventQueueTests.Batch("s", 5000, 10))); // a smaller batch fits
        Assert.Single(log.Lines);
    }

    [Fact]
    public async Task A_queue_that_cannot_hold_one_event_of_the_batch_is_refused_at_start_naming_both_numbers_and_settings()
    {
        using var bad = CollectorProcess.Start(["--gateway", "http://127.0.0.1:1", "--scope", "s", "--stream", "t", "--sensor", "synthetic:a",
            "--batch", "1000", "--max-queue-mb", "0.01"]);
        Assert.Equal(2, await bad.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var line = Assert.Single(bad.OutputLines);
        Assert.Equal("[stderr] error: setting MaxQueueMb (--max-queue-mb, SENSORSTREAM_MAX_QUEUE_MB, appsettings SensorStream:MaxQueueMb): " +
                     "0.01 MiB (10485 bytes) cannot hold one event of --batch 1000 samples, which takes at least 22000 bytes " +
                     "(22 per sample: a 19-digit timestamp and a value): raise --max-queue-mb (a queue should hold many events) or lower --batch", line);

        // One sample less than the smallest event that cannot fit is accepted, and so are CSV directories alone (the
        // importer splits a file into parts that fit the queue).
        string[] common = ["--gateway", "http://127.0.0.1:1", "--scope", "s", "--stream", "t", "--max-queue-mb", "0.01"];
        Assert.Equal(476, SettingsLoader.Load([.. common, "--sensor", "synthetic:a", "--batch", "476"], new Hashtable()).Batch);
        Assert.Throws<SettingsException>(() => SettingsLoader.Load([.. common, "--sensor", "synthetic:a", "--batch", "477"], new Hashtable()));
        Assert.Equal(1000, SettingsLoader.Load([.. common, "--sensor", "csv:/tmp/in", "--batch", "1000"], new Hashtable()).Batch);
    }
}
