using SensorStream.EdgeModule.Queue;
using SensorStream.EdgeModule.Tests.Support;
using static SensorStream.EdgeModule.Tests.Queue.EventQueueTests;

namespace SensorStream.EdgeModule.Tests.Queue;

/// <summary>
/// Over real SQLite files: the stream tail recorded with the commit bookkeeping, and the rule applied to what the stream
/// holds after it (<see cref="EventQueue.ContinueAfterStreamTail"/>) — a database restored together with its sequence files
/// from an older copy continues every sensor after the stream and never sends a queued event the stream already holds;
/// a normal restart (a commit whose bookkeeping a crash cut short) is completed without a loss or an error.
/// </summary>
public sealed class StreamTailTests
{
    private static readonly byte[] TailA = [1, 2, 3], TailB = [4, 5];

    private static EventQueue Open(string path, TestLogger? log = null) =>
        EventQueue.Open(path, new QueueOptions { SequenceBlock = 1000 }, log ?? new TestLogger());

    /// <summary>The coordinator's steps a–d for the oldest <paramref name="events"/> events with a tail noted before the commit.</summary>
    private static void Deliver(EventQueue queue, int events, byte[] tail)
    {
        var reserved = queue.ReserveForTransaction(events, long.MaxValue);
        var pending = new PendingTransaction("t-" + reserved[0].Id, reserved[0].Id, reserved[^1].Id);
        queue.RecordPending(pending);
        queue.NoteStreamTail(tail);
        queue.Complete(pending);
    }

    private static readonly string[] Suffixes = ["", "-wal", "-shm", SequenceLedger.HighWaterMarkSuffix, SequenceLedger.ProgressSuffix];

    private static void CopyQueueFiles(string from, string to)
    {
        foreach (var suffix in Suffixes)
        {
            if (File.Exists(from + suffix)) File.Copy(from + suffix, to + suffix, overwrite: true);
            else File.Delete(to + suffix);
        }
    }

    [Fact]
    public void The_tail_noted_before_a_commit_is_recorded_with_its_bookkeeping_and_kept_across_restarts()
    {
        using var dir = new TempDirectory();
        var path = dir.File("q.db");
        using (var queue = Open(path))
        {
            Assert.Null(queue.RecordedStreamTail()); // a new database (or one from before the record): nothing to check from
            queue.Enqueue(Batch("a", 0, 100));
            queue.NoteStreamTail(TailA);
            Assert.Null(queue.RecordedStreamTail()); // noted only: written by the next commit's SQL transaction
            Deliver(queue, 1, TailB);
            Assert.Equal(TailB, queue.RecordedStreamTail());
        }
        using (var queue = Open(path))
        {
            Assert.Equal(TailB, queue.RecordedStreamTail());
            Assert.False(queue.ContinueAfterStreamTail(new Dictionary<string, long>(), TailA)); // nothing after the tail: nothing written
            Assert.Equal(TailB, queue.RecordedStreamTail());
        }
    }

    [Fact]
    public void A_database_restored_with_its_sequence_files_continues_after_the_stream_and_drops_what_the_lost_run_sent()
    {
        using var dir = new TempDirectory();
        var path = dir.File("q.db");
        var backup = dir.File("backup.db");
        using (var queue = Open(path))
        {
            for (var i = 0; i < 3; i++) queue.Enqueue(Batch("a", i * 100L, 100)); // a 0..299
            queue.Enqueue(Batch("b", 0, 50));
            Deliver(queue, 2, TailA); // a 0..199 committed, tail A recorded; a 200..299 and b 0..49 stay queued
        }
        CopyQueueFiles(path, backup); // the operator's backup: database and both sequence files, consistent with each other
        using (var queue = Open(path)) // the run after the backup: sends the queued events and more
        {
            queue.Enqueue(Batch("a", 300, 100));
            Deliver(queue, 3, TailB);
        }
        CopyQueueFiles(backup, path); // put back

        var log = new TestLogger();
        using (var queue = Open(path, log))
        {
            Assert.Null(queue.SequencesUnproven); // locally consistent: the files alone cannot tell
            Assert.Equal(TailA, queue.RecordedStreamTail());
            Assert.Equal(new Dictionary<string, long> { ["a"] = 300, ["b"] = 50 }, queue.NextSequences());
            // After tail A the stream holds a 200..399 and b 0..49 (the lost run's commits).
            Assert.True(queue.ContinueAfterStreamTail(new Dictionary<string, long> { ["a"] = 400, ["b"] = 50 }, TailB));
            Assert.Equal(new Dictionary<string, long> { ["a"] = 400, ["b"] = 50 }, queue.NextSequences());
            Assert.Empty(queue.ReadAfter(0, 100, long.MaxValue)); // never sent twice
            Assert.Empty(queue.Pending());
            Assert.Equal([new Loss("a", 200, 100, EventQueue.RolledBackReason), new Loss("b", 0, 50, EventQueue.RolledBackReason)], queue.Losses());
            Assert.Equal(3, queue.Stats().DamageGaps); // a's unknowable lost-run gap, and the two recorded ranges
            Assert.Equal(150, queue.Stats().DamageLostSamples);
            Assert.Equal(TailB, queue.RecordedStreamTail());
        }
        var line = Assert.Single(log.Lines, l => l.StartsWith("Error: Queue database ", StringComparison.Ordinal));
        Assert.Contains($"Queue database {path} was rolled back (an older copy restored together with its sequence files)", line);
        Assert.Contains("a: the stream holds it up to 399, the database was at 300 (300..399 were issued by the lost run; 1 queued events 200..299 are in the stream too, removed), " +
                        "continuing at 400; b: 1 queued events 0..49 are already in the stream (up to 49), continuing at 50.", line);

        using (var queue = Open(path)) // the sequence files were rewritten: the next start is consistent again
        {
            Assert.Null(queue.SequencesUnproven);
            Assert.Equal(new Dictionary<string, long> { ["a"] = 400, ["b"] = 50 }, queue.NextSequences());
        }
    }

    [Fact]
    public void A_commit_whose_bookkeeping_a_crash_cut_short_is_completed_without_a_loss_or_an_error()
    {
        using var dir = new TempDirectory();
        var path = dir.File("q.db");
        using (var queue = Open(path))
        {
            for (var i = 0; i < 3; i++) queue.Enqueue(Batch("a", i * 100L, 100));
            Deliver(queue, 1, TailA);
            var reserved = queue.ReserveForTransaction(1, long.MaxValue);
            queue.RecordPending(new PendingTransaction("t2", reserved[0].Id, reserved[0].Id)); // committed, then the crash
        }
        var log = new TestLogger();
        using (var queue = Open(path, log))
        {
            Assert.False(queue.ContinueAfterStreamTail(new Dictionary<string, long> { ["a"] = 200, ["other-device"] = 7 }, TailB));
            Assert.Equal([200L], queue.ReadAfter(0, 100, long.MaxValue).Select(e => e.FirstSequence)); // the unsent event stays
            Assert.Empty(queue.Pending());
            Assert.Empty(queue.Losses());
            Assert.Equal(0, queue.Stats().DamageGaps);
            Assert.Equal(new Dictionary<string, long> { ["a"] = 300, ["other-device"] = 7 }, queue.NextSequences());
        }
        Assert.DoesNotContain(log.Lines, l => l.StartsWith("Error", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.Contains("1 events of pending transactions are already in the stream after the recorded tail: completed"));
        Assert.Contains(log.Lines, l => l.EndsWith("they continue after the stream: other-device at 7", StringComparison.Ordinal));
    }
}
