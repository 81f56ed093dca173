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

    /// <summary>Intact frames of a committed.log or journal file (either journal version).</summary>
    private static List<(long Offset, int Size)> FramesOf(string path)
    {
        if (path.EndsWith(".jnl", StringComparison.Ordinal)) return [.. JournalFile.Frames(path).Select(f => (f.Offset, f.Size))];
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
            case "journal-magic-flip":
                Flip(journals[0], 1); // "SSJN" → "S\x13JN": reads neither as the header nor as a version-1 frame
                return (journals[0], 0);
            case "checkpoint-delete":
                File.Delete(Path.Combine(streamDir, "checkpoint.json"));
                return (Path.Combine(streamDir, "checkpoint.json"), 0);
            case "head-delete":
                File.Delete(Path.Combine(streamDir, "head.json"));
                return (Path.Combine(streamDir, "head.json"), 0);
            case "checkpoint-renamed-key":
            {
                var path = Path.Combine(streamDir, "checkpoint.json");
                File.WriteAllText(path, File.ReadAllText(path).Replace("JournalPosition", "J/urnalPosition", StringComparison.Ordinal));
                return (path, null);
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
            case "journal-torn-tail-and-segment-garbage":
            {
                // Trial 9 d: the torn tail was cut before the segment check refused, which then said nothing was changed.
                Damage("journal-torn-tail", streamDir);
                return Damage("segment-garbage", streamDir);
            }
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
    [InlineData("journal-magic-flip")]
    [InlineData("checkpoint-delete")]
    [InlineData("head-delete")]
    [InlineData("checkpoint-renamed-key")]
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
    [InlineData("journal-torn-tail-and-segment-garbage")]
    public async Task Damage_is_refused_naming_file_and_offset_or_leaves_every_event_and_status_intact(string kind)
    {
        using var dir = new TempDirectory();
        var (streamDir, sequences, committed) = await BuildAsync(dir.Path);
        var expected = Damage(kind, streamDir);
        // An unfinished creation's leftover: emptied by a start-up that opens every stream, kept by a refused one (trial 10 d).
        var staging = Path.Combine(dir.Path, "staging", "0f3c");
        Directory.CreateDirectory(staging);
        File.WriteAllText(Path.Combine(staging, "stream.json"), "{}");
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
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "staging")));
    }

    [Fact]
    public async Task A_bad_journal_magic_says_so_at_offset_0()
    {
        using var dir = new TempDirectory();
        var (streamDir, _, _) = await BuildAsync(dir.Path);
        var oldest = JournalFile.All(streamDir)[0];
        Flip(oldest, 0);
        var error = Assert.Throws<StorageDamageException>(() => GatewayStore.Open(Options(dir.Path), NullLoggerFactory.Instance));
        Assert.StartsWith($"{oldest} is damaged at byte 0: bad magic/header", error.Message);
    }

    [Fact]
    public async Task A_stream_written_before_the_file_set_marker_is_upgraded_once_then_a_missing_state_file_is_refused()
    {
        using var dir = new TempDirectory();
        var streamDir = Path.Combine(dir.Path, "scopes", "u", "s");
        await using (var store = GatewayStore.Open(Options(dir.Path), NullLoggerFactory.Instance))
        {
            await store.CreateScopeAsync("u");
            await store.CreateStreamAsync("u", "s", new StreamConfig(1));
            var stream = store.Stream("u", "s");
            var txn = stream.Begin(0).Id;
            await stream.AppendAsync(txn, Batch("k", 0, 3), CancellationToken.None);
            await stream.CommitAsync(txn, CancellationToken.None);
        }
        // As an older gateway left it: no FileSet in stream.json, no head.json (written only when the head moved).
        var configFile = Path.Combine(streamDir, "stream.json");
        (StreamConfig.Load(configFile) with { FileSet = null }).Save(configFile);
        File.Delete(Path.Combine(streamDir, "head.json"));

        await using (var store = GatewayStore.Open(Options(dir.Path), NullLoggerFactory.Instance))
            Assert.Equal([0L, 1, 2], Sequences(store.Stream("u", "s")));
        Assert.Equal(StreamConfig.CurrentFileSet, StreamConfig.Load(configFile).FileSet);
        Assert.True(File.Exists(Path.Combine(streamDir, "head.json")));

        File.Delete(Path.Combine(streamDir, "head.json"));
        var error = Assert.Throws<StorageDamageException>(() => GatewayStore.Open(Options(dir.Path), NullLoggerFactory.Instance));
        Assert.Equal(Path.Combine(streamDir, "head.json"), error.File);
        Assert.Contains("the file is missing", error.Message);
    }

    [Fact]
    public async Task An_older_stream_without_checkpoint_json_whose_journal_files_checkpoints_deleted_is_refused()
    {
        using var dir = new TempDirectory();
        var (streamDir, _, _) = await BuildAsync(dir.Path);
        var configFile = Path.Combine(streamDir, "stream.json");
        (StreamConfig.Load(configFile) with { FileSet = null }).Save(configFile);
        File.Delete(Path.Combine(streamDir, "checkpoint.json"));
        var error = Assert.Throws<StorageDamageException>(() => GatewayStore.Open(Options(dir.Path), NullLoggerFactory.Instance));
        Assert.Equal(Path.Combine(streamDir, "checkpoint.json"), error.File);
        Assert.Contains("deleted-before records that checkpoints deleted journal files", error.Message);
    }

    /// <summary>
    /// <see cref="BuildAsync"/>, then an open transaction's 3 writes after the last checkpoint (durable, acknowledged, not
    /// yet covered by it): the journal's last frames are ones whose damage no checkpoint position reveals.
    /// </summary>
    private static async Task<(string StreamDir, List<long> Sequences, List<string> Committed, string Open)> BuildWithOpenTailAsync(string dataDir)
    {
        var (streamDir, sequences, committed) = await BuildAsync(dataDir);
        string open;
        await using (var store = GatewayStore.Open(Options(dataDir), NullLoggerFactory.Instance))
        {
            var stream = store.Stream("d", "s");
            open = stream.Begin(0).Id;
            for (var w = 0; w < 3; w++) await stream.AppendAsync(open, Batch("k1", 100 + w, 1), CancellationToken.None);
        }
        var checkpoint = Checkpoint.LoadOrEmpty(Path.Combine(streamDir, "checkpoint.json"), 2);
        var newest = JournalFile.Newest(streamDir);
        var last = JournalFile.Frames(newest)[^1];
        Assert.Equal((byte)JournalFrameKind.KeyedBatch, last.Kind);
        Assert.True(checkpoint.JournalPosition <= JournalFile.StartOf(newest) + last.Offset, "the last frame is after the checkpoint");
        return (streamDir, sequences, committed, open);
    }

    /// <summary>
    /// Trial 11: a start-up refused for one stream changed others — the streams opened before it had their torn tails
    /// cut. Every stream is now checked before any is repaired: four streams with a torn journal tail and one with a
    /// damaged <c>head.json</c>, the refusal names it and the whole data directory is byte for byte as it was.
    /// </summary>
    [Fact]
    public async Task A_refusal_for_one_stream_leaves_every_other_streams_torn_tail_in_place()
    {
        using var dir = new TempDirectory();
        var (streamDir, _, _, _) = await BuildWithOpenTailAsync(dir.Path);
        var scopeDir = Path.GetDirectoryName(streamDir)!;
        foreach (var name in new[] { "a", "m", "t", "x", "z" }) DamageMatrixFixture.CopyTree(streamDir, Path.Combine(scopeDir, name));
        Directory.Delete(streamDir, recursive: true);
        foreach (var name in new[] { "a", "m", "t", "x" })
        {
            var newest = JournalFile.Newest(Path.Combine(scopeDir, name));
            using var f = new FileStream(newest, FileMode.Open);
            f.SetLength(f.Length - 5); // the open transaction's last write torn: a tail a start cuts
        }
        var damaged = Path.Combine(scopeDir, "z", "head.json");
        File.WriteAllText(damaged, "{\"Head\":");
        var before = Snapshot(dir.Path);

        var error = Assert.Throws<StorageDamageException>(() => GatewayStore.Open(Options(dir.Path), NullLoggerFactory.Instance));
        Assert.Equal(damaged, error.File);
        var after = Snapshot(dir.Path);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (path, bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(after[path]), $"{path} was changed");

        // Repaired, the start cuts the four torn tails and opens all five.
        GC.Collect();
        GC.WaitForPendingFinalizers(); // the refused Open's lock file handle (a refusing gateway process exits)
        File.WriteAllBytes(damaged, before[Path.Combine(scopeDir, "a", "head.json")]);
        await using var store = GatewayStore.Open(Options(dir.Path), NullLoggerFactory.Instance);
        Assert.Equal(["a", "m", "t", "x", "z"], store.StreamsOf("d"));
    }

    /// <summary>
    /// The last frame of the journal — acknowledged, after the checkpoint — damaged in each byte of its 12-byte header
    /// (length, the length's own CRC, the frame CRC): a refusal naming the file and the frame's offset, never a cut. A
    /// flip in the length field that points past the end of the file (byte 2: +4 MiB) is the case a header without its
    /// own check took for a torn tail.
    /// </summary>
    [Theory]
    [InlineData(0)] [InlineData(1)] [InlineData(2)] [InlineData(3)] [InlineData(4)] [InlineData(5)]
    [InlineData(6)] [InlineData(7)] [InlineData(8)] [InlineData(9)] [InlineData(10)] [InlineData(11)]
    public async Task A_flip_in_the_last_frames_header_is_refused_naming_file_and_offset_never_cut(int headerByte)
    {
        using var dir = new TempDirectory();
        var (streamDir, _, _, _) = await BuildWithOpenTailAsync(dir.Path);
        var newest = JournalFile.Newest(streamDir);
        var (offset, _, _) = JournalFile.Frames(newest)[^1];
        Flip(newest, offset + headerByte);
        var before = Snapshot(dir.Path);

        var error = Assert.Throws<StorageDamageException>(() => GatewayStore.Open(Options(dir.Path), NullLoggerFactory.Instance));
        Assert.Equal(newest, error.File);
        Assert.Equal(offset, error.Offset);
        Assert.Contains($"{newest} is damaged at byte {offset}", error.Message);
        var after = Snapshot(dir.Path);
        foreach (var (path, bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(after[path]), $"{path} was changed");
    }

    /// <summary>
    /// What a crash can leave of the last write — the file cut inside the last frame's header or inside its payload — is
    /// a torn tail: cut, every committed event and status intact, and the open transaction keeps its first two writes.
    /// </summary>
    [Theory]
    [InlineData(1)]   // inside the length field
    [InlineData(5)]   // inside the length's CRC
    [InlineData(11)]  // inside the frame CRC
    [InlineData(12)]  // header complete, no payload
    [InlineData(40)]  // inside the payload
    public async Task A_cut_inside_the_last_frame_is_a_torn_tail(int keep)
    {
        using var dir = new TempDirectory();
        var (streamDir, sequences, committed, open) = await BuildWithOpenTailAsync(dir.Path);
        var newest = JournalFile.Newest(streamDir);
        var (offset, _, _) = JournalFile.Frames(newest)[^1];
        Cut(newest, offset + keep);

        await using (var store = GatewayStore.Open(Options(dir.Path), NullLoggerFactory.Instance))
        {
            var stream = store.Stream("d", "s");
            Assert.Equal(offset, new FileInfo(newest).Length); // the torn tail is gone
            Assert.Equal(sequences, Sequences(stream));
            Assert.All(committed, id => Assert.Equal(Transactions.TransactionPhase.Committed, stream.Status(id)));
            Assert.Equal(Transactions.TransactionPhase.Committed, await stream.CommitAsync(open, CancellationToken.None));
            Assert.Equal([.. sequences, 100, 101], Sequences(stream));
        }
    }

    /// <summary>
    /// A data directory whose journal was written before journal files had a header (version 1: 8-byte frame headers
    /// from byte 0) opens unchanged: its old file is read as it is, new frames go to a new file of version 2, and an open
    /// transaction of the old file commits.
    /// </summary>
    [Fact]
    public async Task A_journal_of_version_1_stays_readable_and_new_frames_go_to_a_version_2_file()
    {
        using var dir = new TempDirectory();
        var (streamDir, sequences, committed, open) = await BuildWithOpenTailAsync(dir.Path);
        // Rewrite the journal as a version-1 journal: one file from position 0, frames re-framed with 8-byte headers.
        var checkpointFile = Path.Combine(streamDir, "checkpoint.json");
        var checkpoint = Checkpoint.LoadOrEmpty(checkpointFile, 2);
        var legacy = new MemoryStream();
        long mappedCheckpoint = -1;
        foreach (var path in JournalFile.All(streamDir))
        {
            var start = JournalFile.StartOf(path);
            using var file = File.OpenHandle(path);
            JournalFileHeader.ScanAll(file, path, (offset, _, payload) =>
            {
                if (mappedCheckpoint < 0 && start + offset >= checkpoint.JournalPosition) mappedCheckpoint = legacy.Length; // frames after it begin here
                var frame = new byte[FrameFormat.Record.Size(payload.Length)];
                payload.CopyTo(frame.AsSpan(FrameFormat.Record.HeaderSize));
                FrameFormat.Record.WriteHeader(frame, payload);
                legacy.Write(frame);
            });
            File.Delete(path);
        }
        if (mappedCheckpoint < 0) mappedCheckpoint = legacy.Length;
        // As the gateway that wrote version-1 journals left it: no deleted-before, no file set in stream.json.
        File.Delete(Path.Combine(streamDir, "journal", "deleted-before"));
        var configFile = Path.Combine(streamDir, "stream.json");
        (StreamConfig.Load(configFile) with { FileSet = null }).Save(configFile);
        var legacyFile = Path.Combine(streamDir, "journal", $"{0:D20}.jnl");
        File.WriteAllBytes(legacyFile, legacy.ToArray());
        (checkpoint with { JournalPosition = mappedCheckpoint }).Save(checkpointFile);

        await using (var store = GatewayStore.Open(Options(dir.Path), NullLoggerFactory.Instance))
        {
            var stream = store.Stream("d", "s");
            Assert.Equal(sequences, Sequences(stream));
            Assert.All(committed, id => Assert.Equal(Transactions.TransactionPhase.Committed, stream.Status(id)));
            Assert.Equal(legacy.ToArray(), File.ReadAllBytes(legacyFile)); // the old file is not rewritten
            var files = JournalFile.All(streamDir);
            Assert.Equal([legacyFile, Path.Combine(streamDir, "journal", $"{legacy.Length:D20}.jnl")], files); // new frames go to a new file
            Assert.Equal("SSJN"u8.ToArray(), File.ReadAllBytes(files[^1]).AsSpan(0, 4).ToArray());
            var txn = stream.Begin(0).Id;
            await stream.AppendAsync(txn, Batch("k2", 200, 2), CancellationToken.None);
            await stream.CommitAsync(txn, CancellationToken.None);
            Assert.Equal(Transactions.TransactionPhase.Committed, await stream.CommitAsync(open, CancellationToken.None));
            Assert.Equal([.. sequences, 100, 101, 102, 200, 201], Sequences(stream));
        }
        await using (var reopened = GatewayStore.Open(Options(dir.Path), NullLoggerFactory.Instance))
            Assert.Equal([.. sequences, 100, 101, 102, 200, 201], Sequences(reopened.Stream("d", "s")));
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
