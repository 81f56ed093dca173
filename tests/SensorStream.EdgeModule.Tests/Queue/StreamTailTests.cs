using SensorStream.EdgeModule.Queue;
using SensorStream.EdgeModule.Tests.Support;
using SensorStream.Streams.Events;
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
            Assert.Equal(3, queue.Stats().DamageGaps); // the unknowable gap is kept too (table UncountedGaps), not only Losses' ranges
            Assert.Equal(150, queue.Stats().DamageLostSamples);
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

    /// <summary>
    /// The samplers start before the check (<see cref="EventQueue.StartNumbering"/>) on a restored database: the check moves
    /// what they queued above the stream in its SQL transaction (payload, FirstSequence, checksum — read back intact), and a
    /// batch they hand over afterwards, numbered on from their old count, is moved by the same amount as it is queued.
    /// </summary>
    [Fact]
    public void A_rollback_found_after_sampling_started_renumbers_this_runs_events_above_the_stream_and_every_later_batch()
    {
        using var dir = new TempDirectory();
        var path = dir.File("q.db");
        var backup = dir.File("backup.db");
        using (var queue = Open(path))
        {
            for (var i = 0; i < 3; i++) queue.Enqueue(Batch("a", i * 100L, 100)); // a 0..299
            Deliver(queue, 2, TailA); // a 0..199 committed, tail A recorded; a 200..299 stays queued
        }
        CopyQueueFiles(path, backup);
        using (var queue = Open(path))
        {
            queue.Enqueue(Batch("a", 300, 100));
            Deliver(queue, 2, TailB); // the lost run: a 200..399 in the stream
        }
        CopyQueueFiles(backup, path);

        var log = new TestLogger();
        using (var queue = Open(path, log))
        {
            Assert.Equal(new Dictionary<string, long> { ["a"] = 300 }, queue.StartNumbering(["a"], checkFollows: true));
            queue.Enqueue(Batch("a", 300, 100)); // numbered from the stale database during the outage
            queue.Enqueue(Batch("a", 400, 50));
            Assert.True(queue.ContinueAfterStreamTail(new Dictionary<string, long> { ["a"] = 400 }, TailB));
            queue.Enqueue(Batch("a", 450, 100)); // the sampler's next batch, numbered before it learnt of the shift

            var queued = queue.ReadAfter(0, 100, long.MaxValue);
            Assert.Equal([(400L, 100), (500L, 50), (550L, 100)], queued.Select(e => (e.FirstSequence, e.SampleCount)));
            Assert.All(queued, e => Assert.Equal(e.FirstSequence, SampleBatchJson.Deserialize(e.Data).FirstSequence));
            Assert.Equal(new Dictionary<string, long> { ["a"] = 650 }, queue.NextSequences());
            Assert.Equal([new Loss("a", 200, 100, EventQueue.RolledBackReason)], queue.Losses()); // the restored copy's unsent event
        }
        var line = Assert.Single(log.Lines, l => l.StartsWith("Error: Queue database ", StringComparison.Ordinal));
        Assert.Contains("a: the stream holds it up to 399, the database was at 300 (300..399 were issued by the lost run; 1 queued events 200..299 are in the stream too, " +
                        "removed), continuing at 400 (2 events this run queued before the check, never sent, renumbered by +100, and so is every later sample of this run)", line);
        using (var queue = Open(path)) // the sequence files cover the moved numbers: the next start is consistent
        {
            Assert.Null(queue.SequencesUnproven);
            Assert.Equal(new Dictionary<string, long> { ["a"] = 650 }, queue.NextSequences());
            Assert.Equal(3, queue.ReadAfter(0, 100, long.MaxValue).Count);
        }
    }

    /// <summary>No rollback (the normal restart): nothing numbered before the check is rewritten, and later batches keep their numbers.</summary>
    [Fact]
    public void A_normal_restart_with_sampling_started_before_the_check_rewrites_nothing()
    {
        using var dir = new TempDirectory();
        var path = dir.File("q.db");
        using (var queue = Open(path))
        {
            for (var i = 0; i < 2; i++) queue.Enqueue(Batch("a", i * 100L, 100));
            Deliver(queue, 2, TailA);
        }
        using (var queue = Open(path))
        {
            Assert.Equal(200, queue.StartNumbering(["a"], checkFollows: true)["a"]);
            queue.Enqueue(Batch("a", 200, 100));
            var before = queue.ReadAfter(0, 100, long.MaxValue).Single();
            Assert.False(queue.ContinueAfterStreamTail(new Dictionary<string, long> { ["a"] = 200 }, TailB));
            queue.Enqueue(Batch("a", 300, 100));
            var after = queue.ReadAfter(0, 100, long.MaxValue);
            Assert.Equal([200L, 300L], after.Select(e => e.FirstSequence));
            Assert.Equal(before.Data, after[0].Data);
            Assert.Empty(queue.Losses());
        }
    }

    /// <summary>
    /// A start after <c>a</c> 0..<paramref name="shippedUpTo"/>-1 reached the stream (the last commit's events, a 100-sample
    /// event left in the queue after it): its check finds no rollback, moves nothing, records no loss and says nothing of it.
    /// </summary>
    private static void NextStartMovesNothing(string path, long shippedUpTo)
    {
        var log = new TestLogger();
        using (var queue = Open(path, log))
        {
            Assert.Equal(shippedUpTo + 100, queue.StartNumbering(["a"], checkFollows: true)["a"]);
            queue.Enqueue(Batch("a", shippedUpTo + 100, 100));
            Assert.False(queue.ContinueAfterStreamTail(new Dictionary<string, long> { ["a"] = shippedUpTo }, TailB));
            queue.Enqueue(Batch("a", shippedUpTo + 200, 100));
            Assert.Equal([shippedUpTo, shippedUpTo + 100, shippedUpTo + 200], queue.ReadAfter(0, 100, long.MaxValue).Select(e => e.FirstSequence));
            Assert.Empty(queue.Losses());
        }
        Assert.DoesNotContain(log.Lines, l => l.Contains("renumbered") || l.Contains("stopped before its start-up check"));
    }

    /// <summary>
    /// The coordinator's check can run before the samplers start (both start at once): a start point recorded after the
    /// check would outlive it, and the next start would take everything this run shipped since for a rollback and move its
    /// queue up by that much — a hole in every sensor (chaos run, 8,100–8,400 samples per sensor). Nothing is recorded then.
    /// </summary>
    [Fact]
    public void Sampling_that_starts_after_the_check_records_no_start_point_and_the_next_start_moves_nothing()
    {
        using var dir = new TempDirectory();
        var path = dir.File("q.db");
        using (var queue = Open(path))
        {
            queue.Enqueue(Batch("a", 0, 100));
            Deliver(queue, 1, TailA);
        }
        using (var queue = Open(path))
        {
            Assert.False(queue.ContinueAfterStreamTail(new Dictionary<string, long>(), TailA)); // the check first
            Assert.Equal(100, queue.StartNumbering(["a"], checkFollows: true)["a"]);
            for (var i = 1; i <= 3; i++) queue.Enqueue(Batch("a", i * 100L, 100));
            Deliver(queue, 2, TailB); // shipped: a 100..299 in the stream
        }
        NextStartMovesNothing(path, shippedUpTo: 300);
    }

    /// <summary>
    /// The chaos run's hole (6,300 samples per sensor): a run stops before its check, leaving its start point; the next
    /// run's check comes before its samplers start (the coordinator is faster), so that run recorded nothing itself — but the
    /// earlier start point must still go with its check. Otherwise it outlives the check, the run ships past it, and the
    /// start after that takes everything shipped since for a rollback and moves the queue up by that much.
    /// </summary>
    [Fact]
    public void A_start_point_left_by_a_run_that_stopped_before_its_check_goes_with_the_next_check_even_when_that_check_comes_first()
    {
        using var dir = new TempDirectory();
        var path = dir.File("q.db");
        using (var queue = Open(path))
        {
            queue.Enqueue(Batch("a", 0, 100));
            Deliver(queue, 1, TailA);
        }
        using (var queue = Open(path))
        {
            Assert.Equal(100, queue.StartNumbering(["a"], checkFollows: true)["a"]);
            queue.Enqueue(Batch("a", 100, 100)); // killed before its check
        }
        using (var queue = Open(path))
        {
            Assert.False(queue.ContinueAfterStreamTail(new Dictionary<string, long>(), TailA)); // the check before the samplers
            Assert.Equal(200, queue.StartNumbering(["a"], checkFollows: true)["a"]);
            for (var i = 2; i <= 5; i++) queue.Enqueue(Batch("a", i * 100L, 100));
            Deliver(queue, 4, TailB); // shipped: a 100..499 in the stream
        }
        NextStartMovesNothing(path, shippedUpTo: 500);
    }

    /// <summary>
    /// A run on a restored database numbers during an outage and stops before its check (kill or clean stop, the same here:
    /// everything it queued is committed); the next run's check finds the rollback and moves the earlier run's unchecked
    /// events with its own (the start point was kept in the database), so nothing is dropped and the numbers stay contiguous.
    /// </summary>
    [Fact]
    public void Events_of_a_run_that_stopped_before_its_check_are_renumbered_by_the_next_runs_check()
    {
        using var dir = new TempDirectory();
        var path = dir.File("q.db");
        var backup = dir.File("backup.db");
        using (var queue = Open(path))
        {
            queue.Enqueue(Batch("a", 0, 100));
            Deliver(queue, 1, TailA);
        }
        CopyQueueFiles(path, backup);
        using (var queue = Open(path))
        {
            queue.Enqueue(Batch("a", 100, 100));
            Deliver(queue, 1, TailB); // the lost run: a 100..199 in the stream
        }
        CopyQueueFiles(backup, path);
        using (var queue = Open(path))
        {
            Assert.Equal(100, queue.StartNumbering(["a"], checkFollows: true)["a"]);
            queue.Enqueue(Batch("a", 100, 100)); // numbered from the stale database; the gateway never answered
        }
        var log = new TestLogger();
        using (var queue = Open(path, log))
        {
            Assert.Equal(200, queue.StartNumbering(["a"], checkFollows: true)["a"]); // the sampler goes on from the database
            queue.Enqueue(Batch("a", 200, 50));
            Assert.True(queue.ContinueAfterStreamTail(new Dictionary<string, long> { ["a"] = 200 }, TailB));
            Assert.Equal([(200L, 100), (300L, 50)], queue.ReadAfter(0, 100, long.MaxValue).Select(e => (e.FirstSequence, e.SampleCount)));
            Assert.Empty(queue.Losses());
        }
        Assert.Contains(log.Lines, l => l.Contains("a previous run numbered samples from a at 100 and stopped before its start-up check"));
        Assert.Contains(log.Lines, l => l.Contains("(2 events this run queued before the check, never sent, renumbered by +100,"));
        using (var queue = Open(path)) // checked: the start point is gone, a later check finding nothing moves nothing
        {
            Assert.Equal(350, queue.StartNumbering(["a"], checkFollows: true)["a"]);
            queue.Enqueue(Batch("a", 350, 50));
            Assert.False(queue.ContinueAfterStreamTail(new Dictionary<string, long> { ["a"] = 200 }, TailB));
            Assert.Equal([200L, 300L, 350L], queue.ReadAfter(0, 100, long.MaxValue).Select(e => e.FirstSequence));
        }
    }
}
