using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.EdgeModule.Queue;
using SensorStream.EdgeModule.Tests.Support;
using SensorStream.Streams.Events;

namespace SensorStream.EdgeModule.Tests.Queue;

public sealed class EventQueueTests
{
    internal static SampleBatch Batch(string sensor, long first, int count)
    {
        var batch = new SampleBatch(sensor, first, Enumerable.Range(0, count).Select(i => 1_000_000_000L + first + i).ToArray());
        return batch.WithColumn("Sample", Enumerable.Range(0, count).Select(i => first + i).ToArray());
    }

    private static EventQueue Open(string path, long maxBytes = long.MaxValue, QueueFullPolicy policy = QueueFullPolicy.Reject) =>
        EventQueue.Open(path, new QueueOptions { MaxBytes = maxBytes, FullPolicy = policy }, NullLogger.Instance);

    [Fact]
    public void Next_sequence_continues_after_reopening_from_the_last_durable_event()
    {
        using var dir = new TempDirectory();
        using (var queue = Open(dir.File("q.db")))
        {
            Assert.Empty(queue.NextSequences());
            queue.Enqueue(Batch("a", 0, 100));
            queue.Enqueue(Batch("a", 100, 100));
            queue.Enqueue(Batch("b", 0, 7));
        }
        using (var reopened = Open(dir.File("q.db")))
        {
            Assert.Equal(new Dictionary<string, long> { ["a"] = 200, ["b"] = 7 }, reopened.NextSequences());
            var events = reopened.ReadAfter(0, 100, long.MaxValue);
            Assert.Equal([0L, 100, 0], events.Select(e => e.FirstSequence));
            Assert.Equal(100, SampleBatchJson.Deserialize(events[1].Data).FirstSequence);
            Assert.Equal(3, reopened.Stats().Events);
            Assert.Equal(events.Sum(e => (long)e.Data.Length), reopened.Stats().Bytes);
        }
    }

    [Fact]
    public void Pending_bookkeeping_deletes_events_only_on_complete()
    {
        using var dir = new TempDirectory();
        using var queue = Open(dir.File("q.db"));
        for (var i = 0; i < 5; i++) queue.Enqueue(Batch("a", i * 10, 10));
        var events = queue.ReadAfter(0, 3, long.MaxValue);
        var pending = new PendingTransaction("t1", events[0].Id, events[^1].Id);
        queue.RecordPending(pending);
        Assert.Equal([pending], queue.Pending());
        queue.ReplacePending("t1", pending with { TxnId = "t2" });
        Assert.Equal("t2", Assert.Single(queue.Pending()).TxnId);
        Assert.Equal(3, queue.ReadRange(pending.FirstId, pending.LastId).Count);
        queue.Complete(pending with { TxnId = "t2" });
        Assert.Empty(queue.Pending());
        Assert.Equal([30L, 40], queue.ReadAfter(0, 10, long.MaxValue).Select(e => e.FirstSequence));
        Assert.Equal(2, queue.Stats().Events);
    }

    [Fact]
    public void Reject_policy_refuses_new_events_and_records_the_lost_range()
    {
        using var dir = new TempDirectory();
        var size = SampleBatchJson.Serialize(Batch("a", 0, 100)).Length;
        using var queue = Open(dir.File("q.db"), maxBytes: size * 3 + size / 2);
        var outcomes = Enumerable.Range(0, 5).Select(i => queue.Enqueue(Batch("a", i * 100, 100))).ToList();

        Assert.Equal([EnqueueOutcome.Accepted, EnqueueOutcome.Accepted, EnqueueOutcome.Accepted, EnqueueOutcome.Rejected, EnqueueOutcome.Rejected], outcomes);
        Assert.Equal([0L, 100, 200], queue.ReadAfter(0, 10, long.MaxValue).Select(e => e.FirstSequence));
        Assert.Equal([new Loss("a", 300, 100, EventQueue.RejectedReason), new Loss("a", 400, 100, EventQueue.RejectedReason)], queue.Losses());
        Assert.Equal(200, queue.Stats().RejectedSamples);
        // The refused samples keep their numbers: the next accepted event continues after them.
        Assert.Equal(500, queue.NextSequences()["a"]);
    }

    [Fact]
    public void Drop_oldest_policy_deletes_the_oldest_events_outside_pending_transactions()
    {
        using var dir = new TempDirectory();
        var size = SampleBatchJson.Serialize(Batch("a", 0, 100)).Length;
        using var queue = Open(dir.File("q.db"), maxBytes: size * 3 + size / 2, policy: QueueFullPolicy.DropOldest);
        queue.Enqueue(Batch("a", 0, 100));
        queue.Enqueue(Batch("a", 100, 100));
        queue.Enqueue(Batch("a", 200, 100));
        var first = queue.ReadAfter(0, 1, long.MaxValue).Single();
        queue.RecordPending(new PendingTransaction("t", first.Id, first.Id)); // in flight: must not be dropped

        Assert.Equal(EnqueueOutcome.AcceptedAfterDrop, queue.Enqueue(Batch("a", 300, 100)));
        Assert.Equal(EnqueueOutcome.AcceptedAfterDrop, queue.Enqueue(Batch("a", 400, 100)));

        Assert.Equal([0L, 300, 400], queue.ReadAfter(0, 10, long.MaxValue).Select(e => e.FirstSequence));
        Assert.Equal([new Loss("a", 100, 100, EventQueue.DroppedReason), new Loss("a", 200, 100, EventQueue.DroppedReason)], queue.Losses());
        Assert.Equal(200, queue.Stats().DroppedSamples);
    }

    [Fact]
    public void Drop_oldest_spares_events_reserved_for_a_transaction_being_written()
    {
        using var dir = new TempDirectory();
        var size = SampleBatchJson.Serialize(Batch("a", 0, 100)).Length;
        using var queue = Open(dir.File("q.db"), maxBytes: size * 3 + size / 2, policy: QueueFullPolicy.DropOldest);
        for (var i = 0; i < 3; i++) queue.Enqueue(Batch("a", i * 100, 100));
        var reserved = queue.ReserveForTransaction(2, long.MaxValue);

        queue.Enqueue(Batch("a", 300, 100));

        Assert.Equal([0L, 100, 300], queue.ReadAfter(0, 10, long.MaxValue).Select(e => e.FirstSequence));
        Assert.Equal([new Loss("a", 200, 100, EventQueue.DroppedReason)], queue.Losses());
        queue.ReleaseReservation();
        queue.Enqueue(Batch("a", 400, 100));
        Assert.Equal([100L, 300, 400], queue.ReadAfter(0, 10, long.MaxValue).Select(e => e.FirstSequence));
        Assert.Equal(2, reserved.Count);
    }

    [Fact]
    public void Counters_of_losses_survive_a_restart()
    {
        using var dir = new TempDirectory();
        var size = SampleBatchJson.Serialize(Batch("a", 0, 100)).Length;
        using (var queue = Open(dir.File("q.db"), maxBytes: size + 1))
        {
            queue.Enqueue(Batch("a", 0, 100));
            queue.Enqueue(Batch("a", 100, 100));
        }
        using var reopened = Open(dir.File("q.db"), maxBytes: size + 1);
        Assert.Equal(100, reopened.Stats().RejectedSamples);
        Assert.Equal(1, reopened.Stats().RejectedEvents);
    }

    [Fact]
    public void A_corrupt_database_is_moved_aside_with_a_clear_log_line_and_a_fresh_queue_starts()
    {
        using var dir = new TempDirectory();
        var path = dir.File("q.db");
        File.WriteAllBytes(path, Enumerable.Repeat((byte)0x5A, 8192).ToArray());
        File.WriteAllText(dir.File("unrelated.txt"), "keep me");
        var log = new TestLogger();

        using (var queue = EventQueue.Open(path, new QueueOptions(), log))
        {
            Assert.Equal(0, queue.Stats().Events);
            queue.Enqueue(Batch("a", 0, 10));
        }

        var line = Assert.Single(log.Lines, l => l.StartsWith("Error:"));
        Assert.Contains("is corrupt", line);
        Assert.Contains("moved it aside", line);
        var aside = Assert.Single(Directory.GetFiles(dir.Path, "q.db.corrupt-*"));
        Assert.Equal(Enumerable.Repeat((byte)0x5A, 8192), File.ReadAllBytes(aside));
        Assert.Equal("keep me", File.ReadAllText(dir.File("unrelated.txt")));
        using var fresh = Open(path);
        Assert.Equal(1, fresh.Stats().Events);
    }

    [Fact]
    public void A_database_already_open_elsewhere_is_refused()
    {
        using var dir = new TempDirectory();
        using var first = Open(dir.File("q.db"));
        var e = Assert.Throws<IOException>(() => Open(dir.File("q.db")));
        Assert.Contains("in use by another process", e.Message);
    }

    [Fact]
    public void Oversized_events_are_refused_with_advice()
    {
        using var dir = new TempDirectory();
        using var queue = Open(dir.File("q.db"));
        // ~18 bytes a sample (a 10-digit time, a 6-digit Sample): ~10.8 MB, over the 8 MiB event limit.
        var e = Assert.Throws<ArgumentException>(() => queue.Enqueue(Batch("a", 0, 600_000)));
        Assert.Contains("over the 8388608-byte limit: lower the samples per event", e.Message);
    }
}
