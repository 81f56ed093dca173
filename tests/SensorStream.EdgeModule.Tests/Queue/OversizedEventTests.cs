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
        using var queue = EventQueue.Open(dir.File("q.db"), new QueueOptions { MaxBytes = size - 1, FullPolicy = policy }, log);

        var outcomes = Enumerable.Range(0, 50).Select(i => queue.Enqueue(EventQueueTests.Batch("s", i * 100, 100))).ToList();

        Assert.All(outcomes, o => Assert.Equal(EnqueueOutcome.Rejected, o));
        Assert.Equal(50, queue.Losses().Count); // every refused range is still recorded
        var line = Assert.Single(log.Lines);
        Assert.Equal($"Error: An event of s is {size} bytes, larger than the whole queue ({size - 1} bytes): it can never be queued and its samples " +
                     "are refused (recorded in Losses); raise --max-queue-mb or lower --batch", line);
        Assert.Equal(EnqueueOutcome.Accepted, queue.Enqueue(EventQueueTests.Batch("s", 5000, 10))); // a smaller batch fits
        Assert.Single(log.Lines);
    }
}
