using System.Collections.Concurrent;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Testing;

namespace SensorStream.Gateway.Tests;

/// <summary>
/// kill -9 of the real gateway process during heavy concurrent transactional writes, then a restart on the same data:
/// every acknowledged commit is there exactly once, commits in doubt are all-or-nothing per their status, and
/// nothing uncommitted is visible.
/// </summary>
public sealed class CrashTests
{
    private enum Stage { Begun, WriteSent, Written, CommitSent, Committed }

    private sealed class Txn(string id, int writer, List<OutgoingEvent> events)
    {
        public string Id { get; } = id;
        public int Writer { get; } = writer;
        public List<OutgoingEvent> Events { get; } = events;
        public volatile Stage Stage;
    }

    [Fact]
    public async Task Kill_during_concurrent_transactions_loses_and_duplicates_nothing()
    {
        const int writers = 6, eventsPerTxn = 20, committedBeforeKill = 150;
        using var dir = new TempDirectory();
        var stream = new StreamName("crash", "s");
        var txns = new ConcurrentBag<Txn>();
        var committed = 0;

        await using (var gateway = await GatewayProcess.StartAsync(dir.Path))
        {
            using var client = new GatewayClient(new GatewayClientOptions { Endpoint = gateway.Endpoint, MaxRetryAttempts = 0 });
            await client.EnsureStreamAsync(stream, segments: 4);
            using var stop = new CancellationTokenSource();
            var work = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                long sequence = 0;
                try
                {
                    while (!stop.IsCancellationRequested)
                    {
                        var id = await client.BeginTransactionAsync(stream, TimeSpan.FromMinutes(5));
                        var events = Enumerable.Range(0, eventsPerTxn).Select(_ => Events.Make("w" + w, sequence++, 300)).ToList();
                        var txn = new Txn(id, w, events) { Stage = Stage.WriteSent };
                        txns.Add(txn);
                        await client.WriteTransactionEventsAsync(stream, id, events);
                        txn.Stage = Stage.Written;
                        // Every 7th transaction stays uncommitted: its events must never show.
                        if (sequence % (7 * eventsPerTxn) == 0) continue;
                        txn.Stage = Stage.CommitSent;
                        if (await client.CommitTransactionAsync(stream, id) != TransactionState.Committed) throw new InvalidOperationException("commit did not commit");
                        txn.Stage = Stage.Committed;
                        Interlocked.Increment(ref committed);
                    }
                }
                catch (Exception) when (stop.IsCancellationRequested)
                {
                    // the gateway was killed under this writer
                }
            })).ToList();

            await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref committed)), n => n >= committedBeforeKill || work.Any(t => t.IsFaulted),
                TimeSpan.FromSeconds(60), "acknowledged commits before the kill");
            Assert.DoesNotContain(work, t => t.IsFaulted);
            stop.Cancel();
            gateway.Kill();
            await Task.WhenAll(work);

            await using var restarted = await gateway.RestartAsync();
            using var after = new GatewayClient(restarted.Endpoint.ToString());
            var expected = new HashSet<string>();
            var notVisible = new HashSet<string>();
            var toCommitNow = new List<Txn>();
            foreach (var txn in txns)
            {
                var status = await after.GetTransactionStatusAsync(stream, txn.Id);
                switch (txn.Stage)
                {
                    case Stage.Committed:
                        Assert.Equal(TransactionState.Committed, status);
                        break;
                    case Stage.CommitSent:
                        Assert.True(status is TransactionState.Committed or TransactionState.Open, $"in-doubt commit of {txn.Id} is {status}");
                        if (status == TransactionState.Open) toCommitNow.Add(txn);
                        break;
                    case Stage.Written:
                        Assert.Equal(TransactionState.Open, status); // acknowledged writes survive, uncommitted
                        toCommitNow.Add(txn);
                        break;
                    default: // write in doubt: never committed by us, so whatever reached the file must stay invisible
                        Assert.True(status is TransactionState.Open or TransactionState.Unknown, $"unacknowledged write {txn.Id} is {status}");
                        foreach (var e in txn.Events) notVisible.Add(Events.Text(e.Data));
                        continue;
                }
                if (status == TransactionState.Committed) foreach (var e in txn.Events) expected.Add(Events.Text(e.Data));
            }

            var visible = (await after.ReadRangeAsync(stream).ToListAsync()).Select(e => Events.Text(e.Data)).ToList();
            Assert.Equal(visible.Count, visible.Distinct().Count()); // no duplicate
            Assert.Equal(expected.Order(), visible.Order());          // nothing lost, nothing uncommitted leaked
            Assert.True(expected.Count >= committedBeforeKill * eventsPerTxn);
            Assert.Empty(visible.Intersect(notVisible));

            // A collector would now commit what it had written: each appears exactly once, still in per-key order.
            foreach (var txn in toCommitNow)
            {
                Assert.Equal(TransactionState.Committed, await after.CommitTransactionAsync(stream, txn.Id));
                foreach (var e in txn.Events) expected.Add(Events.Text(e.Data));
            }
            var final = await after.ReadRangeAsync(stream).ToListAsync();
            Assert.Equal(expected.Order(), final.Select(e => Events.Text(e.Data)).Order());
            // Each transaction is one contiguous run, in write order, within its key (all of its events go to one segment).
            var byKey = final.Select(e => Events.Text(e.Data)).GroupBy(t => t.Split('|')[0]).ToDictionary(g => g.Key, g => g.ToList());
            foreach (var txn in txns.Where(t => t.Stage >= Stage.Written))
            {
                var texts = txn.Events.Select(e => Events.Text(e.Data)).ToList();
                var run = byKey["w" + txn.Writer];
                var start = run.IndexOf(texts[0]);
                Assert.True(start >= 0, $"transaction {txn.Id} ({txn.Stage}) is missing");
                Assert.Equal(texts, run.Skip(start).Take(texts.Count));
            }
        }
    }
}
