using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.Gateway.Storage;
using SensorStream.Gateway.Transactions;
using static SensorStream.Gateway.Tests.JournalFilesTests; // Options (8 KiB journal files), Batch

namespace SensorStream.Gateway.Tests;

/// <summary>
/// A checkpoint that fails with any exception (not only an I/O error) keeps the transactions it was to record: the
/// next one writes their ids to committed.log before their journal files go, so they stay COMMITTED after a restart
/// (UNKNOWN would make the collector write them again: duplicates).
/// </summary>
public sealed class CheckpointFailureTests
{
    [Fact]
    public async Task Transactions_of_a_checkpoint_that_threw_are_recorded_by_the_next_and_stay_committed_after_restart()
    {
        using var dir = new TempDirectory();
        var streamDir = Path.Combine(dir.Path, "scopes", "c", "s");
        var failNext = 0;
        var options = Options(dir.Path) with
        {
            // The checkpoint reads the clock after taking over the list of merged transactions: fail it there once.
            Clock = () => Interlocked.Exchange(ref failNext, 0) == 1
                ? throw new InvalidOperationException("clock failed (test)")
                : DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        };
        string first;
        var later = new List<string>();
        await using (var store = GatewayStore.Open(options, NullLoggerFactory.Instance))
        {
            await store.CreateScopeAsync("c");
            await store.CreateStreamAsync("c", "s", new StreamConfig(1));
            var stream = store.Stream("c", "s");
            first = stream.Begin(0).Id;
            await stream.AppendAsync(first, Batch("k", 0, 3), CancellationToken.None);
            Assert.Equal(TransactionPhase.Committed, await stream.CommitAsync(first, CancellationToken.None));

            Volatile.Write(ref failNext, 1);
            await Assert.ThrowsAsync<InvalidOperationException>(() => stream.CheckpointAsync(force: true));

            for (var t = 1; t <= 20; t++)
            {
                var txn = stream.Begin(0).Id;
                await stream.AppendAsync(txn, Batch("k", t * 3, 3), CancellationToken.None);
                await stream.CommitAsync(txn, CancellationToken.None);
                later.Add(txn);
            }
            await stream.CheckpointAsync(force: true);
            Assert.True(JournalFile.All(streamDir).Length <= 2, $"{JournalFile.All(streamDir).Length} journal files left"); // the first commit's file is gone
        }

        await using (var store = GatewayStore.Open(options, NullLoggerFactory.Instance))
        {
            var stream = store.Stream("c", "s");
            Assert.Equal(TransactionPhase.Committed, stream.Status(first));
            foreach (var txn in later) Assert.Equal(TransactionPhase.Committed, stream.Status(txn));
            Assert.Equal(Enumerable.Range(0, 63).Select(i => (long)i), Sequences(stream));
        }
    }
}
