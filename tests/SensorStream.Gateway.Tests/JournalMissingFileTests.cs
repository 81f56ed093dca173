using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.Gateway.Storage;
using SensorStream.Gateway.Transactions;
using static SensorStream.Gateway.Tests.JournalFilesTests; // Options (8 KiB journal files), Batch, Sequences

namespace SensorStream.Gateway.Tests;

/// <summary>
/// A gap between journal files that no deletion of the gateway explains (a file removed by hand, or lost): start-up
/// refuses, naming the missing bytes, and deletes nothing (the files before the gap may hold an open transaction's
/// acknowledged writes).
/// </summary>
public sealed class JournalMissingFileTests
{
    /// <summary>
    /// Stream g/s: a transaction left open whose only write (sequence 1000 of key p) goes first, so the oldest journal
    /// file stays needed, then <paramref name="commits"/> transactions of 3 events each (key k, sequences from 0), then a
    /// checkpoint. Returns the stream's folder and the open transaction's id.
    /// </summary>
    private static async Task<(string StreamDir, string Pinned)> WriteWithPinnedTransactionAsync(string dataDir, int commits)
    {
        await using var store = GatewayStore.Open(Options(dataDir), NullLoggerFactory.Instance);
        await store.CreateScopeAsync("g");
        await store.CreateStreamAsync("g", "s", new StreamConfig(1));
        var stream = store.Stream("g", "s");
        var pinned = stream.Begin(0).Id;
        await stream.AppendAsync(pinned, Batch("p", 1000, 1), CancellationToken.None);
        for (var t = 0; t < commits; t++)
        {
            var txn = stream.Begin(0).Id;
            await stream.AppendAsync(txn, Batch("k", t * 3, 3), CancellationToken.None);
            await stream.CommitAsync(txn, CancellationToken.None);
        }
        await stream.CheckpointAsync(force: true);
        return (Path.Combine(dataDir, "scopes", "g", "s"), pinned);
    }

    [Fact]
    public async Task A_missing_middle_journal_file_is_refused_with_the_missing_range_and_nothing_is_deleted()
    {
        using var dir = new TempDirectory();
        // The open transaction's acknowledged write is in the oldest file, so nothing may be deleted.
        var (streamDir, pinned) = await WriteWithPinnedTransactionAsync(dir.Path, commits: 20);
        var files = JournalFile.All(streamDir);
        Assert.True(files.Length >= 4, $"{files.Length} journal files");
        var missing = files[2];
        var bytes = File.ReadAllBytes(missing);
        File.Delete(missing);

        var error = Assert.Throws<StorageDamageException>(() => GatewayStore.Open(Options(dir.Path), NullLoggerFactory.Instance));
        Assert.Contains($"journal bytes {JournalFile.StartOf(missing)}..{JournalFile.StartOf(files[3])}", error.Message);
        Assert.Contains(Path.Combine(streamDir, "journal"), error.Message);
        Assert.Equal(files.Where(f => f != missing), JournalFile.All(streamDir)); // nothing deleted

        // Put back, the stream opens with the open transaction's write intact. (The refused Open does not release the
        // data directory's lock file: a refusing gateway process exits. Let the finalizer close it here.)
        GC.Collect();
        GC.WaitForPendingFinalizers();
        File.WriteAllBytes(missing, bytes);
        await using (var store = GatewayStore.Open(Options(dir.Path), NullLoggerFactory.Instance))
        {
            var stream = store.Stream("g", "s");
            Assert.Equal(TransactionPhase.Open, stream.Status(pinned));
            Assert.Equal(TransactionPhase.Committed, await stream.CommitAsync(pinned, CancellationToken.None));
            Assert.Equal(Enumerable.Range(0, 60).Select(i => (long)i).Append(1000), Sequences(stream));
        }
    }

    [Fact]
    public async Task A_missing_oldest_journal_file_below_the_checkpoint_is_refused_with_the_missing_range_when_no_checkpoint_deleted_anything()
    {
        // Trial 9 a: an open transaction's only write is in the oldest file, so no checkpoint deleted a file; that file
        // removed by hand was accepted (the write was gone, OPEN -> UNKNOWN), as its bytes are below the checkpoint.
        using var dir = new TempDirectory();
        var (streamDir, _) = await WriteWithPinnedTransactionAsync(dir.Path, commits: 12);
        var files = JournalFile.All(streamDir);
        Assert.True(files.Length >= 3, $"{files.Length} journal files");
        Assert.Equal(0, JournalFile.StartOf(files[0]));
        File.Delete(files[0]);

        var error = Assert.Throws<StorageDamageException>(() => GatewayStore.Open(Options(dir.Path), NullLoggerFactory.Instance));
        Assert.Contains($"journal bytes 0..{JournalFile.StartOf(files[1])} are missing", error.Message);
        Assert.Equal(files[1..], JournalFile.All(streamDir)); // nothing deleted
        var output = new StringWriter();
        Assert.Equal(3, SensorStream.Gateway.Hosting.GatewayTools.Run(["verify", dir.Path], output, output));
        Assert.Contains($"journal bytes 0..{JournalFile.StartOf(files[1])} are missing", output.ToString());
    }

    [Fact]
    public async Task The_oldest_journal_file_removed_together_with_deleted_before_is_refused()
    {
        // Trial 10 a: without deleted-before the start was checked against the checkpoint only, so removing both files
        // made the open transaction's acknowledged write vanish silently (OPEN -> UNKNOWN, verify OK).
        using var dir = new TempDirectory();
        var (streamDir, _) = await WriteWithPinnedTransactionAsync(dir.Path, commits: 12);
        Assert.Equal(StreamConfig.CurrentFileSet, StreamConfig.Load(Path.Combine(streamDir, "stream.json")).FileSet);
        var files = JournalFile.All(streamDir);
        var deletedBefore = Path.Combine(streamDir, "journal", "deleted-before");
        File.Delete(files[0]);
        File.Delete(deletedBefore);

        var error = Assert.Throws<StorageDamageException>(() => GatewayStore.Open(Options(dir.Path), NullLoggerFactory.Instance));
        Assert.Equal(deletedBefore, error.File);
        Assert.Contains("the file is missing", error.Message);
        Assert.Equal(files[1..], JournalFile.All(streamDir)); // nothing deleted, nothing written
        Assert.False(File.Exists(deletedBefore));
        var output = new StringWriter();
        Assert.Equal(3, SensorStream.Gateway.Hosting.GatewayTools.Run(["verify", dir.Path], output, output));
        Assert.Contains($"DAMAGED {deletedBefore} at byte 0", output.ToString());
    }

    [Fact]
    public async Task A_stream_of_file_set_3_records_where_its_journal_begins_and_is_upgraded()
    {
        // A stream of the previous file set may lack deleted-before (an older journal that did not begin at 0): its
        // first clean start records the journal's present start, then stream.json records file set 4.
        using var dir = new TempDirectory();
        var (streamDir, pinned) = await WriteWithPinnedTransactionAsync(dir.Path, commits: 12);
        var configFile = Path.Combine(streamDir, "stream.json");
        (StreamConfig.Load(configFile) with { FileSet = 3 }).Save(configFile);
        var deletedBefore = Path.Combine(streamDir, "journal", "deleted-before");
        File.Delete(deletedBefore);

        await using (var store = GatewayStore.Open(Options(dir.Path), NullLoggerFactory.Instance))
            Assert.Equal(TransactionPhase.Open, store.Stream("g", "s").Status(pinned));
        Assert.Equal("0", File.ReadAllText(deletedBefore));
        Assert.Equal(StreamConfig.CurrentFileSet, StreamConfig.Load(configFile).FileSet);
    }
}
