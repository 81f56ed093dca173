using SensorStream.EdgeModule.Queue;
using SensorStream.EdgeModule.Tests.Support;
using SensorStream.Streams.Events;
using static SensorStream.EdgeModule.Tests.Queue.EventQueueTests;

namespace SensorStream.EdgeModule.Tests.Queue;

/// <summary>
/// The queue's SQLite file is damaged between two runs — deleted, replaced by an older copy, its WAL truncated, bytes
/// flipped — or its progress file is: every sensor continues after its highest issued sequence, nothing already sent is
/// sent again, and every lost range is recorded in <c>Losses</c> and logged with its exact bounds.
/// </summary>
public sealed class QueueDamageTests
{
    private const long Block = 1000;

    private static EventQueue Open(string path, TestLogger? log = null) =>
        EventQueue.Open(path, new QueueOptions { SequenceBlock = Block }, log ?? new TestLogger());

    /// <summary>Queues <paramref name="events"/> events of 100 samples of <paramref name="sensor"/> from <paramref name="first"/>.</summary>
    private static void Fill(EventQueue queue, string sensor, long first, int events)
    {
        for (var i = 0; i < events; i++) queue.Enqueue(Batch(sensor, first + i * 100L, 100));
    }

    /// <summary>The coordinator's steps a–d for the oldest <paramref name="events"/> events, the gateway's part left out.</summary>
    private static void Deliver(EventQueue queue, int events)
    {
        var reserved = queue.ReserveForTransaction(events, long.MaxValue);
        var pending = new PendingTransaction("t-" + reserved[0].Id, reserved[0].Id, reserved[^1].Id);
        queue.RecordPending(pending);
        queue.Complete(pending);
    }

    private static void DeleteDatabase(string path)
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(path + suffix);
    }

    private static void AssertLogged(TestLogger log, string sensor, long first, long last)
    {
        var count = last - first + 1;
        Assert.Contains(log.Lines, l => l.StartsWith("Error: Queue damage: sensor", StringComparison.Ordinal)
                                        && l.Contains($"sensor {sensor} samples {first}..{last} ({count} samples)"));
    }

    [Fact]
    public void A_deleted_database_continues_every_sensor_after_its_highest_issued_sequence_and_records_the_undelivered_range()
    {
        using var dir = new TempDirectory();
        var path = dir.File("q.db");
        using (var queue = Open(path))
        {
            Fill(queue, "a", 0, 3);
            Fill(queue, "b", 0, 1);
            Deliver(queue, 1); // a 0..99 is in the stream
        }
        DeleteDatabase(path);

        var log = new TestLogger();
        using var reopened = Open(path, log);
        Assert.Equal(new Dictionary<string, long> { ["a"] = 300, ["b"] = 100 }, reopened.NextSequences());
        Assert.Equal([new Loss("a", 100, 200, EventQueue.DamagedReason), new Loss("b", 0, 100, EventQueue.DamagedReason)], reopened.Losses());
        Assert.Equal((2, 300), (reopened.Stats().DamageGaps, reopened.Stats().DamageLostSamples));
        AssertLogged(log, "a", 100, 299);
        AssertLogged(log, "b", 0, 99);
        Assert.Contains(log.Lines, l => l.Contains("is behind its sequence progress file") && l.Contains("300 samples in 2 ranges"));

        // Reported once: the next start finds everything consistent.
        reopened.Enqueue(Batch("a", 300, 100));
        reopened.Dispose();
        var again = new TestLogger();
        using var third = Open(path, again);
        Assert.Equal(2, third.Losses().Count);
        Assert.DoesNotContain(again.Lines, l => l.StartsWith("Error:"));
        Assert.Equal(400, third.NextSequences()["a"]);
    }

    [Fact]
    public void An_older_copy_never_sends_again_what_was_delivered_since_and_records_what_only_the_lost_file_held()
    {
        using var dir = new TempDirectory();
        var path = dir.File("q.db");
        using (var queue = Open(path)) Fill(queue, "a", 0, 2); // a 0..199 queued
        File.Copy(path, dir.File("old.db"));
        using (var queue = Open(path))
        {
            Deliver(queue, 2); // a 0..199 delivered
            Fill(queue, "a", 200, 3); // a 200..499 queued, then lost with the newer file
        }
        DeleteDatabase(path);
        File.Copy(dir.File("old.db"), path);

        var log = new TestLogger();
        using var reopened = Open(path, log);
        Assert.Equal(0, reopened.Stats().Events); // the copy's a 0..199 are in the stream already
        Assert.Empty(reopened.Pending());
        Assert.Equal([new Loss("a", 200, 300, EventQueue.DamagedReason)], reopened.Losses());
        Assert.Equal(500, reopened.NextSequences()["a"]);
        AssertLogged(log, "a", 200, 499);
        Assert.Contains(log.Lines, l => l.Contains("2 events already sent were removed"));
    }

    [Theory]
    [InlineData(0)] // the whole WAL gone
    [InlineData(100)] // the last frame torn: SQLite drops the last transaction silently
    public void A_truncated_wal_is_detected_and_the_lost_commits_are_recorded(int cutBytes)
    {
        using var dir = new TempDirectory();
        var path = dir.File("q.db");
        using (var queue = Open(path)) Fill(queue, "a", 0, 1); // checkpointed into q.db at close
        var crashed = dir.File("crashed");
        Directory.CreateDirectory(crashed);
        var copy = Path.Combine(crashed, "q.db");
        using (var queue = Open(path))
        {
            Fill(queue, "a", 100, 3); // a 100..399 only in the WAL
            // What a power cut or kill -9 leaves now: the database, its WAL and the files beside it.
            foreach (var suffix in new[] { "", "-wal", SequenceLedger.HighWaterMarkSuffix, SequenceLedger.ProgressSuffix })
                File.Copy(path + suffix, copy + suffix);
        }
        var wal = copy + "-wal";
        var length = new FileInfo(wal).Length;
        Assert.True(length > 4096, $"WAL of {length} bytes holds the last commits");
        using (var stream = new FileStream(wal, FileMode.Open)) stream.SetLength(cutBytes == 0 ? 0 : length - cutBytes);

        var log = new TestLogger();
        using var reopened = Open(copy, log);
        var expectedFirst = cutBytes == 0 ? 100 : 300;
        Assert.Equal([new Loss("a", expectedFirst, 400 - expectedFirst, EventQueue.DamagedReason)], reopened.Losses());
        Assert.Equal(400, reopened.NextSequences()["a"]);
        Assert.Equal([0L, .. Enumerable.Range(1, (int)(expectedFirst / 100) - 1).Select(i => i * 100L)],
            reopened.ReadAfter(0, 100, long.MaxValue).Select(e => e.FirstSequence));
        AssertLogged(log, "a", expectedFirst, 399);
    }

    [Fact]
    public void Flipped_bytes_move_the_database_aside_and_every_undelivered_sample_is_recorded_lost()
    {
        using var dir = new TempDirectory();
        var path = dir.File("q.db");
        using (var queue = Open(path))
        {
            Fill(queue, "a", 0, 5);
            Deliver(queue, 2);
        }
        using (var file = new FileStream(path, FileMode.Open))
        {
            Assert.True(file.Length >= 3 * 4096, $"{file.Length} bytes");
            file.Position = 4096; // page 2: a b-tree page
            file.Write(Enumerable.Repeat((byte)0xA5, 4096).ToArray());
        }

        var log = new TestLogger();
        using var reopened = Open(path, log);
        Assert.Contains(log.Lines, l => l.StartsWith("Error: Queue database") && l.Contains("is corrupt"));
        Assert.Equal([new Loss("a", 200, 300, EventQueue.DamagedReason)], reopened.Losses());
        Assert.Equal(500, reopened.NextSequences()["a"]);
        AssertLogged(log, "a", 200, 499);
    }

    [Fact]
    public void A_flipped_byte_inside_an_event_is_caught_by_its_checksum_never_shipped_and_recorded_lost()
    {
        using var dir = new TempDirectory();
        var path = dir.File("q.db");
        using (var queue = Open(path)) Fill(queue, "a", 0, 3);
        var file = File.ReadAllBytes(path);
        Assert.False(File.Exists(path + "-wal"), "closed: the WAL is checkpointed and gone");
        var data = SampleBatchJson.Serialize(Batch("a", 100, 100));
        var copies = 0;
        // Every copy (a page freed by a b-tree split may keep an old one): a digit inside the event, which quick_check cannot see.
        for (var at = file.AsSpan().IndexOf(data); at >= 0; at = file.AsSpan(at + 1).IndexOf(data) is var next and >= 0 ? at + 1 + next : -1, copies++)
            file[at + 200] ^= 0x04;
        Assert.True(copies > 0, "the event's bytes are in the database file");
        File.WriteAllBytes(path, file);

        var log = new TestLogger();
        using var reopened = Open(path, log);
        Assert.Equal([0L, 200], reopened.ReserveForTransaction(10, long.MaxValue).Select(e => e.FirstSequence));
        Assert.Equal([new Loss("a", 100, 100, EventQueue.DamagedEventReason)], reopened.Losses());
        Assert.Equal((2, 1, 100), (reopened.Stats().Events, reopened.Stats().DamageGaps, reopened.Stats().DamageLostSamples));
        Assert.Contains(log.Lines, l => l.StartsWith("Error: Queue damage: event 2 fails its checksum") && l.Contains("sensor a samples 100..199 (100 samples) are lost"));
    }

    [Fact]
    public void Events_in_flight_when_the_database_was_lost_are_never_sent_again_and_reported_as_in_the_stream_or_lost()
    {
        using var dir = new TempDirectory();
        var path = dir.File("q.db");
        using (var queue = Open(path))
        {
            Fill(queue, "a", 0, 3);
            var reserved = queue.ReserveForTransaction(2, long.MaxValue); // a 0..199 written to a transaction…
            queue.RecordPending(new PendingTransaction("t1", reserved[0].Id, reserved[^1].Id)); // …maybe committed
        }
        DeleteDatabase(path);

        var log = new TestLogger();
        using var reopened = Open(path, log);
        Assert.Equal([new Loss("a", 0, 200, EventQueue.InFlightReason), new Loss("a", 200, 100, EventQueue.DamagedReason)], reopened.Losses());
        Assert.Contains(log.Lines, l => l.Contains("sensor a samples 0..199 (200 samples) were in flight"));
        Assert.Equal(300, reopened.NextSequences()["a"]);
    }

    [Fact]
    public void A_reservation_released_before_anything_was_recorded_pending_is_not_in_flight()
    {
        using var dir = new TempDirectory();
        var path = dir.File("q.db");
        using (var queue = Open(path))
        {
            Fill(queue, "a", 0, 2);
            queue.ReserveForTransaction(2, long.MaxValue);
            queue.ReleaseReservation(); // the write failed: the events never left
        }
        DeleteDatabase(path);
        using var reopened = Open(path);
        Assert.Equal([new Loss("a", 0, 200, EventQueue.DamagedReason)], reopened.Losses());
    }

    [Fact]
    public void A_progress_file_behind_the_database_is_harmless()
    {
        using var dir = new TempDirectory();
        var path = dir.File("q.db");
        using (var queue = Open(path)) Fill(queue, "a", 0, 1);
        File.Copy(path + SequenceLedger.ProgressSuffix, dir.File("old.progress"));
        using (var queue = Open(path)) Fill(queue, "a", 100, 2);
        File.Copy(dir.File("old.progress"), path + SequenceLedger.ProgressSuffix, overwrite: true); // a kill between commit and pwrite

        var log = new TestLogger();
        using var reopened = Open(path, log);
        Assert.Empty(reopened.Losses());
        Assert.Equal(300, reopened.NextSequences()["a"]);
        Assert.DoesNotContain(log.Lines, l => l.StartsWith("Error:") || l.StartsWith("Warning:"));
    }

    [Fact]
    public void An_unreadable_progress_file_skips_every_sensor_to_its_reserved_ceiling_and_says_why()
    {
        using var dir = new TempDirectory();
        var path = dir.File("q.db");
        using (var queue = Open(path)) Fill(queue, "a", 0, 3); // reserved through 100 + Block
        var progress = path + SequenceLedger.ProgressSuffix;
        var bytes = File.ReadAllBytes(progress);
        bytes[^5] ^= 0x01; // one bit in the checksum line
        File.WriteAllBytes(progress, bytes);

        var log = new TestLogger();
        using var reopened = Open(path, log);
        Assert.Equal([new Loss("a", 300, 100 + Block - 300, EventQueue.UnprovenReason)], reopened.Losses());
        Assert.Equal(100 + Block, reopened.NextSequences()["a"]);
        Assert.Equal(3, reopened.Stats().Events); // the database itself is kept: nothing was proven wrong with it
        Assert.Contains(log.Lines, l => l.Contains(progress) && l.Contains("is damaged: checksum line") && l.Contains($"skips samples 300..{Block + 99}"));
    }

    [Fact]
    public void A_damaged_high_water_mark_is_named_and_rewritten_without_a_loss()
    {
        using var dir = new TempDirectory();
        var path = dir.File("q.db");
        using (var queue = Open(path)) Fill(queue, "a", 0, 2);
        File.WriteAllText(path + SequenceLedger.HighWaterMarkSuffix, "{ not the format");

        var log = new TestLogger();
        using (var reopened = Open(path, log))
        {
            Assert.Empty(reopened.Losses());
            Assert.Equal(200, reopened.NextSequences()["a"]);
        }
        Assert.Contains(log.Lines, l => l.StartsWith("Error: Sequence high-water mark") && l.Contains(path + ".hwm") && l.Contains("is damaged"));
        Assert.StartsWith("sensorstream-edge-hwm v1\n{\"a\":1200}\n", File.ReadAllText(path + SequenceLedger.HighWaterMarkSuffix));
    }

    [Fact]
    public void Reservations_are_written_once_per_block_not_once_per_event()
    {
        using var dir = new TempDirectory();
        var path = dir.File("q.db");
        using var queue = Open(path);
        queue.Enqueue(Batch("a", 0, 100));
        var hwm = path + SequenceLedger.HighWaterMarkSuffix;
        Assert.StartsWith("sensorstream-edge-hwm v1\n{\"a\":1100}\n", File.ReadAllText(hwm));
        Fill(queue, "a", 100, 9); // through 999: inside the block
        Assert.StartsWith("sensorstream-edge-hwm v1\n{\"a\":1100}\n", File.ReadAllText(hwm));
        queue.Enqueue(Batch("a", 1000, 200)); // passes 1100
        Assert.StartsWith("sensorstream-edge-hwm v1\n{\"a\":2200}\n", File.ReadAllText(hwm));
    }
}
