using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.Gateway.Storage;
using SensorStream.Gateway.Transactions;

namespace SensorStream.Gateway.Tests;

/// <summary>A data directory of the older layout (per-transaction files, commits.log): upgraded at start-up, or refused with what to do.</summary>
public sealed class LegacyLayoutTests
{
    private static byte[] Frame(ReadOnlySpan<byte> payload)
    {
        var frame = new byte[RecordFrame.Size(payload.Length)];
        payload.CopyTo(frame.AsSpan(RecordFrame.HeaderSize));
        RecordFrame.WriteHeader(frame, payload);
        return frame;
    }

    /// <summary>What the older gateway leaves: one committed transaction merged into segment 0, one open transaction file.</summary>
    private static (string Committed, string Open) WriteOlderLayout(string streamDir, bool checkpointed)
    {
        Directory.CreateDirectory(Path.Combine(streamDir, "segments"));
        Directory.CreateDirectory(Path.Combine(streamDir, "txns"));
        new StreamConfig(1).Save(Path.Combine(streamDir, "stream.json"));
        var (committed, open) = (Guid.NewGuid().ToString("N"), Guid.NewGuid().ToString("N"));

        var evt = Events.Make("c", 1).Data;
        var record = new byte[SegmentRecord.FrameSizeOf(evt.Length)];
        SegmentRecord.Encode(record, 1234, evt.Span);
        File.WriteAllBytes(Path.Combine(streamDir, "segments", "0.seg"), record);
        var entry = Frame(new CommitEntry(1234, [new CommittedTransaction(committed, [new SegmentMerge(0, 0, record.Length, 1)])]).Encode());
        File.WriteAllBytes(Path.Combine(streamDir, "commits.log"), entry);
        File.WriteAllText(Path.Combine(streamDir, "checkpoint.json"), string.Create(CultureInfo.InvariantCulture,
            $"{{\"CommitLogOffset\":{(checkpointed ? entry.Length : 0)},\"SegmentEnds\":[{(checkpointed ? record.Length : 0)}]}}"));

        var openEvent = Events.Make("o", 2).Data;
        var payload = new byte[4 + openEvent.Length]; // [i32 segment][event]
        openEvent.CopyTo(payload.AsMemory(4));
        File.WriteAllBytes(Path.Combine(streamDir, "txns", open + ".txn"), Frame(payload));
        File.WriteAllBytes(Path.Combine(streamDir, "txns", committed + ".txn"), []); // merged, its deletion was interrupted
        return (committed, open);
    }

    private static StoreOptions Options(string dir) => new() { DataDirectory = dir };

    [Fact]
    public async Task Older_layout_is_upgraded_with_committed_statuses_and_open_transactions_carried_over()
    {
        using var dir = new TempDirectory();
        var streamDir = Path.Combine(dir.Path, "scopes", "old", "s");
        var (committed, open) = WriteOlderLayout(streamDir, checkpointed: true);

        await using (var store = GatewayStore.Open(Options(dir.Path), NullLoggerFactory.Instance))
        {
            var stream = store.Stream("old", "s");
            Assert.Equal(TransactionPhase.Committed, stream.Status(committed));
            Assert.Equal(TransactionPhase.Open, stream.Status(open));
            Assert.Equal([1L], JournalFilesTests.Sequences(stream));
            Assert.Equal(TransactionPhase.Committed, await stream.CommitAsync(open, CancellationToken.None));
            Assert.Equal([1L, 2L], JournalFilesTests.Sequences(stream));
        }
        Assert.False(File.Exists(Path.Combine(streamDir, "commits.log")));
        Assert.False(Directory.Exists(Path.Combine(streamDir, "txns")));

        await using (var store = GatewayStore.Open(Options(dir.Path), NullLoggerFactory.Instance))
        {
            var stream = store.Stream("old", "s");
            Assert.Equal(TransactionPhase.Committed, stream.Status(committed));
            Assert.Equal(TransactionPhase.Committed, stream.Status(open));
            Assert.Equal([1L, 2L], JournalFilesTests.Sequences(stream));
        }
    }

    [Fact]
    public void Older_layout_with_commits_it_never_checkpointed_is_refused_with_what_to_do()
    {
        using var dir = new TempDirectory();
        var streamDir = Path.Combine(dir.Path, "scopes", "old", "s");
        WriteOlderLayout(streamDir, checkpointed: false);

        var error = Assert.Throws<DataLayoutException>(() => GatewayStore.Open(Options(dir.Path), NullLoggerFactory.Instance));
        Assert.Contains("older gateway", error.Message);
        Assert.Contains("SIGTERM", error.Message);
        Assert.True(File.Exists(Path.Combine(streamDir, "commits.log"))); // left as it was
    }

    [Fact]
    public void Older_checkpoint_without_its_commit_log_is_refused_as_a_missing_commit_log()
    {
        using var dir = new TempDirectory();
        var streamDir = Path.Combine(dir.Path, "scopes", "old", "s");
        WriteOlderLayout(streamDir, checkpointed: true);
        File.Delete(Path.Combine(streamDir, "commits.log"));

        var error = Assert.Throws<DataLayoutException>(() => GatewayStore.Open(Options(dir.Path), NullLoggerFactory.Instance));
        Assert.Contains(Path.Combine(streamDir, "commits.log") + " is missing", error.Message);
        Assert.DoesNotContain("does not know", error.Message); // version 1 is the older layout, which this gateway knows
        Assert.True(File.Exists(Path.Combine(streamDir, "checkpoint.json"))); // left as it was
    }
}
