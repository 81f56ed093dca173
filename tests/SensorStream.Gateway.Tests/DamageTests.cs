using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.Gateway.Storage;
using SensorStream.Testing;
using static SensorStream.Gateway.Tests.JournalFilesTests; // Options (8 KiB journal files), Batch, Sequences

namespace SensorStream.Gateway.Tests;

/// <summary>
/// Damage of every file kind of a real data directory (flip, truncate, delete, garbage): start-up either keeps every
/// acknowledged event and status (a torn tail a crash could leave) or refuses with a <see cref="StorageDamageException"/>
/// naming the file and the byte offset, and changes nothing on disk. Never a silent loss.
/// </summary>
public sealed class DamageTests
{
    /// <summary>A stream with 3 checkpoints (3 committed.log frames), several journal files, a moved head.</summary>
    internal static async Task<(string StreamDir, List<long> Sequences, List<string> Committed)> BuildAsync(string dataDir)
    {
        var committed = new List<string>();
        List<long> sequences;
        await using (var store = GatewayStore.Open(Options(dataDir), NullLoggerFactory.Instance))
        {
            await store.CreateScopeAsync("d");
            await store.CreateStreamAsync("d", "s", new StreamConfig(2));
            var stream = store.Stream("d", "s");
            for (var t = 0; t < 9; t++)
            {
                var txn = stream.Begin(0).Id;
                await stream.AppendAsync(txn, Batch("k" + t % 4, t * 4, 4), CancellationToken.None);
                await stream.CommitAsync(txn, CancellationToken.None);
                committed.Add(txn);
                if (t % 3 == 2) await stream.CheckpointAsync(force: true);
            }
            stream.Truncate([stream.Segments[0].ReadHeader(0).FrameSize, 0]);
            sequences = Sequences(stream);
        }
        return (Path.Combine(dataDir, "scopes", "d", "s"), sequences, committed);
    }

    private static Dictionary<string, byte[]> Snapshot(string dir) =>
        Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("gateway.lock", StringComparison.Ordinal))
            .ToDictionary(f => f, File.ReadAllBytes);

    /// <summary>Flips a bit of the byte at <paramref name="offset"/> of <paramref name="path"/> (damage a CRC finds).</summary>
    internal static void Flip(string path, long offset)
    {
        using var file = new FileStream(path, FileMode.Open);
        file.Position = offset;
        var b = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(b ^ 0x40));
    }

    private static void Cut(string path, long length)
    {
        using var file = new FileStream(path, FileMode.Open);
        file.SetLength(length);
    }

    private static void Append(string path, byte[] bytes)
    {
        using var file = new FileStream(path, FileMode.Append);
        file.Write(bytes);
    }

    private static List<(long Offset, int Size)> FramesOf(string path)
    {
        var frames = new List<(long, int)>();
        using var file = File.OpenHandle(path);
        FrameScanner.Scan(file, 0, (offset, size, _) => frames.Add((offset, size)));
        return frames;
    }

    /// <summary>Damages one file; returns the file and offset the refusal must name (null: the data must stay intact).</summary>
    private static (string File, long? Offset)? Damage(string kind, string streamDir)
    {
        var journalDir = Path.Combine(streamDir, "journal");
        var journals = JournalFile.All(streamDir);
        var newest = journals[^1];
        var committedLog = Path.Combine(streamDir, "committed.log");
        var segment0 = Path.Combine(streamDir, "segments", "0.seg");
        switch (kind)
        {
            case "journal-flip":
            {
                var frames = FramesOf(newest);
                var (offset, size) = frames[frames.Count / 2];
                Flip(newest, offset + size - 1);
                return (newest, offset);
            }
            case "journal-truncate":
            {
                var frames = FramesOf(newest);
                var (offset, _) = frames[frames.Count / 2];
                Cut(newest, offset + 3);
                return (newest, offset);
            }
            case "journal-garbage":
            {
                var end = new FileInfo(newest).Length;
                var garbage = new byte[300];
                new Random(7).NextBytes(garbage);
                garbage[0] = 0x20; garbage[1] = garbage[2] = garbage[3] = 0; // a plausible length: the CRC rejects it
                Append(newest, garbage);
                return (newest, end); // a complete frame with a bad CRC: no crash writes that
            }
            case "journal-last-frame-flip":
            {
                var (offset, size) = FramesOf(newest)[^1];
                Flip(newest, offset + size - 1); // the newest, acknowledged write: complete, so not a torn tail
                return (newest, offset);
            }
            case "journal-huge-length":
            {
                var end = new FileInfo(newest).Length;
                Append(newest, [0xff, 0xff, 0xff, 0x7f, 1, 2, 3, 4, 5, 6, 7, 8]); // announces 2 GiB: no frame is that large
                return (newest, end);
            }
            case "journal-zero-tail":
                Append(newest, new byte[4096]); // the file was extended but the data never reached the disk: a crash's torn tail
                return null;
            case "journal-torn-tail":
            {
                var end = new FileInfo(newest).Length;
                var (offset, size) = FramesOf(newest)[^1];
                var copy = new byte[size];
                using (var file = File.OpenHandle(newest)) FrameScanner.ReadFully(file, copy, offset);
                Append(newest, copy[..(size - 1)]); // an incomplete frame (the file ends before its announced size): a torn write
                Assert.Equal(end + size - 1, new FileInfo(newest).Length);
                return null;
            }
            case "journal-delete-newest":
                File.Delete(newest);
                return journals.Length > 1 ? (journals[^2], new FileInfo(journals[^2]).Length) : (journalDir, null);
            case "journal-delete-all":
                foreach (var f in journals) File.Delete(f);
                return (journalDir, null);
            case "journal-deleted-before-garbage":
                File.WriteAllText(Path.Combine(journalDir, "deleted-before"), "12x");
                return (Path.Combine(journalDir, "deleted-before"), 0);
            case "committed-flip":
                Flip(committedLog, 20);
                return (committedLog, 0);
            case "committed-truncate":
            {
                var last = FramesOf(committedLog)[^1];
                Cut(committedLog, last.Offset + last.Size - 5);
                return (committedLog, last.Offset);
            }
            case "committed-delete":
                File.Delete(committedLog);
                return (committedLog, 0);
            case "checkpoint-garbage":
                File.WriteAllText(Path.Combine(streamDir, "checkpoint.json"), "{\"JournalPosition\": 12, \"SegmentEnds\": [1,");
                return (Path.Combine(streamDir, "checkpoint.json"), null);
            case "checkpoint-truncate":
            {
                var path = Path.Combine(streamDir, "checkpoint.json");
                Cut(path, new FileInfo(path).Length / 2);
                return (path, null);
            }
            case "stream-json-garbage":
                File.WriteAllText(Path.Combine(streamDir, "stream.json"), "\0\0\0\0");
                return (Path.Combine(streamDir, "stream.json"), 0);
            case "stream-json-delete":
                File.Delete(Path.Combine(streamDir, "stream.json"));
                return (Path.Combine(streamDir, "stream.json"), 0);
            case "head-garbage":
                File.WriteAllText(Path.Combine(streamDir, "head.json"), "[1, 2");
                return (Path.Combine(streamDir, "head.json"), null);
            case "segment-truncate":
            {
                var length = new FileInfo(segment0).Length / 2;
                Cut(segment0, length);
                return (segment0, length);
            }
            case "segment-delete":
                File.Delete(segment0);
                return (segment0, 0);
            case "segment-garbage":
            {
                var length = new FileInfo(segment0).Length;
                Append(segment0, new byte[50]);
                return (segment0, length);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    [Theory]
    [InlineData("journal-flip")]
    [InlineData("journal-truncate")]
    [InlineData("journal-garbage")]
    [InlineData("journal-last-frame-flip")]
    [InlineData("journal-huge-length")]
    [InlineData("journal-zero-tail")]
    [InlineData("journal-torn-tail")]
    [InlineData("journal-delete-newest")]
    [InlineData("journal-delete-all")]
    [InlineData("journal-deleted-before-garbage")]
    [InlineData("committed-flip")]
    [InlineData("committed-truncate")]
    [InlineData("committed-delete")]
    [InlineData("checkpoint-garbage")]
    [InlineData("checkpoint-truncate")]
    [InlineData("stream-json-garbage")]
    [InlineData("stream-json-delete")]
    [InlineData("head-garbage")]
    [InlineData("segment-truncate")]
    [InlineData("segment-delete")]
    [InlineData("segment-garbage")]
    public async Task Damage_is_refused_naming_file_and_offset_or_leaves_every_event_and_status_intact(string kind)
    {
        using var dir = new TempDirectory();
        var (streamDir, sequences, committed) = await BuildAsync(dir.Path);
        var expected = Damage(kind, streamDir);
        var before = Snapshot(dir.Path);

        if (expected is { } refusal)
        {
            var error = Assert.Throws<StorageDamageException>(() => GatewayStore.Open(Options(dir.Path), NullLoggerFactory.Instance));
            Assert.Equal(refusal.File, error.File);
            if (refusal.Offset is { } offset) Assert.Equal(offset, error.Offset);
            Assert.Contains($"{refusal.File} is damaged at byte {error.Offset}", error.Message);
            var after = Snapshot(dir.Path);
            Assert.Equal(before.Keys.Order(), after.Keys.Order()); // nothing deleted, nothing added
            foreach (var (path, bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(after[path]), $"{path} was changed");
            return;
        }
        await using var store = GatewayStore.Open(Options(dir.Path), NullLoggerFactory.Instance);
        var stream = store.Stream("d", "s");
        Assert.Equal(sequences, Sequences(stream));
        Assert.All(committed, id => Assert.Equal(Transactions.TransactionPhase.Committed, stream.Status(id)));
    }

    [Fact]
    public async Task The_executable_refuses_a_damaged_journal_with_exit_code_3_and_one_line_naming_file_and_offset()
    {
        using var dir = new TempDirectory();
        var (streamDir, _, _) = await BuildAsync(dir.Path);
        var (file, offset) = Damage("journal-flip", streamDir)!.Value;
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            GatewayProcess.StartAsync(dir.Path, startTimeout: TimeSpan.FromSeconds(60)));
        Assert.Contains("exited with code 3", error.Message);
        Assert.Contains($"{file} is damaged at byte {offset}", error.Message);
        Assert.DoesNotContain("   at ", error.Message); // no stack trace
    }
}
