using SensorStream.EdgeModule.Queue;
using SensorStream.EdgeModule.Tests.Support;
using static SensorStream.EdgeModule.Tests.Queue.EventQueueTests;

namespace SensorStream.EdgeModule.Tests.Queue;

/// <summary>
/// Over real SQLite files: a queue whose own files cannot prove which sequences are free (every queue file deleted, or
/// the sequence files beside the database lost) says so, stays unproven across restarts until it is given what the
/// stream holds, and then continues every sensor after the stream — never below it.
/// </summary>
public sealed class StreamProofTests
{
    private static EventQueue Open(string path, TestLogger? log = null) =>
        EventQueue.Open(path, new QueueOptions { SequenceBlock = 1000 }, log ?? new TestLogger());

    private static void DeleteSequenceFiles(string path)
    {
        File.Delete(path + SequenceLedger.HighWaterMarkSuffix);
        File.Delete(path + SequenceLedger.ProgressSuffix);
    }

    [Fact]
    public void Without_any_queue_file_the_sequences_stay_unproven_until_the_stream_is_known_then_every_sensor_continues_after_it()
    {
        using var dir = new TempDirectory();
        var path = dir.File("q.db");
        using (var queue = Open(path))
            Assert.Contains("no queue database and no sequence file", queue.SequencesUnproven);
        using (var queue = Open(path)) // opening left nothing that passes for proof: an empty progress file, told as never written, not as damage
            Assert.Contains("no queue database and no sequence file at " + path + " (progress file empty, never written (the run that created it " +
                            "stopped before its first write), high-water mark missing)", queue.SequencesUnproven);

        var log = new TestLogger();
        using (var queue = Open(path, log))
        {
            queue.ContinueAfterStream(new Dictionary<string, long> { ["a"] = 1500, ["b"] = 300 });
            Assert.Null(queue.SequencesUnproven);
            Assert.Equal(new Dictionary<string, long> { ["a"] = 1500, ["b"] = 300 }, queue.NextSequences());
            Assert.Empty(queue.Losses()); // nothing known is lost: what the lost files held cannot be counted
            Assert.Equal(2, queue.Stats().DamageGaps);
            Assert.Equal(0, queue.Stats().DamageLostSamples);
            queue.Enqueue(Batch("a", 1500, 100));
        }
        Assert.Contains(log.Lines, l => l.StartsWith("Error: Queue lost (there is no queue database", StringComparison.Ordinal)
                                        && l.EndsWith("the stream holds sensor a up to sequence 1499; continuing at 1500; anything queued but not committed " +
                                                      "before the loss is lost (how much cannot be known)", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.Contains("the stream holds sensor b up to sequence 299; continuing at 300;"));

        using (var queue = Open(path)) // proven: a normal restart needs nothing from the stream
        {
            Assert.Equal(2, queue.Stats().DamageGaps); // the two unknowable gaps are still counted after the restart (UncountedGaps)
            Assert.Null(queue.SequencesUnproven);
            Assert.Equal(new Dictionary<string, long> { ["a"] = 1600, ["b"] = 300 }, queue.NextSequences());
        }
    }

    [Fact]
    public void A_brand_new_queue_and_an_empty_stream_start_every_sensor_at_zero_without_a_loss()
    {
        using var dir = new TempDirectory();
        var path = dir.File("q.db");
        var log = new TestLogger();
        using var queue = Open(path, log);
        queue.ContinueAfterStream(new Dictionary<string, long>());
        Assert.Null(queue.SequencesUnproven);
        Assert.Empty(queue.NextSequences());
        Assert.Equal(0, queue.Stats().DamageGaps);
        Assert.DoesNotContain(log.Lines, l => l.StartsWith("Error", StringComparison.Ordinal));
        Assert.True(File.Exists(path + SequenceLedger.HighWaterMarkSuffix));
    }

    [Fact]
    public void A_database_whose_sequence_files_are_gone_drops_what_the_stream_already_holds_and_keeps_what_it_does_not()
    {
        using var dir = new TempDirectory();
        var path = dir.File("q.db");
        using (var queue = Open(path))
        {
            for (var i = 0; i < 4; i++) queue.Enqueue(Batch("a", i * 100L, 100)); // a 0..399 queued
            queue.Enqueue(Batch("b", 0, 100));
        }
        DeleteSequenceFiles(path);

        var log = new TestLogger();
        using (var queue = Open(path, log))
        {
            Assert.Contains("has no readable sequence files beside it (progress file missing, high-water mark missing)", queue.SequencesUnproven);
            // The stream already holds a up to 199 (sent by a run whose progress was lost) and c (another device's sensor) up to 49.
            queue.ContinueAfterStream(new Dictionary<string, long> { ["a"] = 200, ["c"] = 50 });
            Assert.Equal(new Dictionary<string, long> { ["a"] = 400, ["b"] = 100, ["c"] = 50 }, queue.NextSequences());
            var left = queue.ReadAfter(0, 100, long.MaxValue).Select(e => (e.RoutingKey, e.FirstSequence)).ToList();
            Assert.Equal([("a", 200), ("a", 300), ("b", 0)], left);
            Assert.Equal([new Loss("a", 0, 100, EventQueue.InFlightReason), new Loss("a", 100, 100, EventQueue.InFlightReason)], queue.Losses());
            Assert.Equal(3, queue.Stats().Events);
        }
        Assert.Contains(log.Lines, l => l.Contains("2 queued events of sensor a start below the stream's sequence 200 and are removed"));
        Assert.Contains(log.Lines, l => l.Contains("it holds sensor a up to sequence 199; the queue database continues at 400"));
        Assert.Contains(log.Lines, l => l.Contains("the stream holds sensor c up to sequence 49; continuing at 50;"));
    }
}
