using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.Gateway.Storage;
using SensorStream.Gateway.Transactions;

namespace SensorStream.Gateway.Tests;

/// <summary>
/// A transaction whose writes lie back to back in the journal on both sides of a roll: its merge reads them as one run,
/// which then spans two journal files — live, and again when a restart replays the commit.
/// </summary>
public sealed class JournalRollTests
{
    private static StoreOptions Options(string dir) => JournalFilesTests.Options(dir); // 8 KiB journal files, checkpoints on request

    private static (string, ReadOnlyMemory<byte>)[] Batch(string key, int from, int count) => JournalFilesTests.Batch(key, from, count);

    /// <summary>What a crash at this moment leaves on disk (everything written so far is in the page cache).</summary>
    private static void CopyScopes(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(Path.Combine(from, "scopes"), "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.GetFiles(Path.Combine(from, "scopes"), "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    [Fact]
    public async Task Multi_write_transactions_across_journal_rolls_commit_once_and_replay_after_a_crash()
    {
        using var dir = new TempDirectory();
        using var crashed = new TempDirectory();
        var streamDir = Path.Combine(dir.Path, "scopes", "r", "s");
        var txns = new List<string>();
        var expected = new List<long>();
        await using (var store = GatewayStore.Open(Options(dir.Path), NullLoggerFactory.Instance))
        {
            await store.CreateScopeAsync("r");
            await store.CreateStreamAsync("r", "s", new StreamConfig(2));
            var stream = store.Stream("r", "s");
            for (var t = 0; t < 3; t++)
            {
                // 20 writes of one or two ~1 KB events each: ~30 KB, so each transaction crosses several 8 KiB files.
                var txn = stream.Begin(0).Id;
                for (var w = 0; w < 20; w++)
                {
                    var from = t * 1000 + w * 2;
                    var count = 1 + w % 2;
                    await stream.AppendAsync(txn, Batch("k" + w % 3, from, count), CancellationToken.None);
                    expected.AddRange(Enumerable.Range(from, count).Select(i => (long)i));
                }
                Assert.Equal(TransactionPhase.Committed, await stream.CommitAsync(txn, CancellationToken.None));
                txns.Add(txn);
            }
            Assert.True(JournalFile.All(streamDir).Length >= 8, $"{JournalFile.All(streamDir).Length} journal files");
            expected.Sort();
            Assert.Equal(expected, JournalFilesTests.Sequences(stream));
            CopyScopes(dir.Path, crashed.Path); // no checkpoint yet: a restart from here replays every commit
        }

        foreach (var restarted in new[] { dir.Path, crashed.Path })
        {
            await using var store = GatewayStore.Open(Options(restarted), NullLoggerFactory.Instance);
            var stream = store.Stream("r", "s");
            foreach (var txn in txns) Assert.Equal(TransactionPhase.Committed, stream.Status(txn));
            Assert.Equal(expected, JournalFilesTests.Sequences(stream));
        }
    }
}
