using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.Gateway.Storage;
using SensorStream.Gateway.Transactions;

namespace SensorStream.Gateway.Tests;

/// <summary>The journal's files at the store level: they roll, and go only once nothing in them is needed.</summary>
public sealed class JournalFilesTests
{
    internal static StoreOptions Options(string dir) => new()
    {
        DataDirectory = dir,
        JournalFileBytes = 8 * 1024,
        CheckpointInterval = TimeSpan.FromHours(1), // checkpoints only when the test asks
    };

    internal static (string, ReadOnlyMemory<byte>)[] Batch(string key, int from, int count) =>
        [.. Enumerable.Range(from, count).Select(i => (key, (ReadOnlyMemory<byte>)Events.Make(key, i, 1000).Data))];

    internal static List<long> Sequences(StreamStore stream)
    {
        var records = new List<SegmentRecord>();
        var heads = stream.Heads();
        foreach (var segment in stream.Segments)
            for (var at = heads[segment.Id]; at < segment.End;) at = segment.ReadRecords(at, segment.End, 64 * 1024, records);
        return [.. records.Select(r => Events.Parse(r.Event).Sequence).Order()];
    }

    [Fact]
    public async Task Files_roll_and_are_deleted_after_a_checkpoint_unless_an_open_transaction_still_has_events_in_them()
    {
        using var dir = new TempDirectory();
        var streamDir = Path.Combine(dir.Path, "scopes", "j", "s");
        var committed = new List<string>();
        string pinned, aborted;
        await using (var store = GatewayStore.Open(Options(dir.Path), NullLoggerFactory.Instance))
        {
            await store.CreateScopeAsync("j");
            await store.CreateStreamAsync("j", "s", new StreamConfig(2));
            var stream = store.Stream("j", "s");
            pinned = stream.Begin(0).Id;
            await stream.AppendAsync(pinned, Batch("p", 1000, 1), CancellationToken.None);
            aborted = stream.Begin(0).Id;
            await stream.AppendAsync(aborted, Batch("a", 2000, 3), CancellationToken.None);
            await stream.AbortAsync(aborted, CancellationToken.None);
            for (var t = 0; t < 30; t++)
            {
                var txn = stream.Begin(0).Id;
                await stream.AppendAsync(txn, Batch("k" + t % 3, t * 3, 3), CancellationToken.None);
                Assert.Equal(TransactionPhase.Committed, await stream.CommitAsync(txn, CancellationToken.None));
                committed.Add(txn);
            }
            var rolled = JournalFile.All(streamDir).Length;
            Assert.True(rolled > 5, $"{rolled} journal files");

            await stream.CheckpointAsync(force: true);
            Assert.Equal(rolled, JournalFile.All(streamDir).Length); // the open transaction's first event is in the oldest file

            Assert.Equal(TransactionPhase.Committed, await stream.CommitAsync(pinned, CancellationToken.None));
            await stream.CheckpointAsync(force: true);
            Assert.True(JournalFile.All(streamDir).Length <= 2, $"{JournalFile.All(streamDir).Length} journal files left");
        }

        // Statuses outlive the deleted files; the data is in the segments.
        await using (var store = GatewayStore.Open(Options(dir.Path), NullLoggerFactory.Instance))
        {
            var stream = store.Stream("j", "s");
            foreach (var txn in committed.Append(pinned)) Assert.Equal(TransactionPhase.Committed, stream.Status(txn));
            Assert.Null(stream.Status(aborted));
            Assert.Equal(Enumerable.Range(0, 90).Select(i => (long)i).Append(1000), Sequences(stream));
        }
    }

    [Fact]
    public async Task A_file_left_behind_by_an_interrupted_deletion_is_removed_at_start_up()
    {
        using var dir = new TempDirectory();
        var streamDir = Path.Combine(dir.Path, "scopes", "j", "s");
        byte[] oldest;
        string oldestName;
        await using (var store = GatewayStore.Open(Options(dir.Path), NullLoggerFactory.Instance))
        {
            await store.CreateScopeAsync("j");
            await store.CreateStreamAsync("j", "s", new StreamConfig(1));
            var stream = store.Stream("j", "s");
            oldestName = JournalFile.Newest(streamDir);
            for (var t = 0; t < 20; t++)
            {
                var txn = stream.Begin(0).Id;
                await stream.AppendAsync(txn, Batch("k", t * 3, 3), CancellationToken.None);
                await stream.CommitAsync(txn, CancellationToken.None);
            }
            oldest = File.ReadAllBytes(oldestName);
            await stream.CheckpointAsync(force: true);
        }
        // The oldest unlink did not reach the disk, the next ones did: a gap follows the leftover.
        File.WriteAllBytes(oldestName, oldest);
        Assert.True(JournalFile.All(streamDir).Length >= 2);

        await using (var store = GatewayStore.Open(Options(dir.Path), NullLoggerFactory.Instance))
        {
            Assert.False(File.Exists(oldestName));
            Assert.Equal(Enumerable.Range(0, 60).Select(i => (long)i), Sequences(store.Stream("j", "s")));
        }
    }
}
