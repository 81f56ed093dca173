using Grpc.Core;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;

namespace SensorStream.Gateway.Tests;

/// <summary>Explicit transactions: atomic visibility, idempotent commit, abort, leases, status across restarts.</summary>
public sealed class TransactionTests
{
    private static readonly StreamName Stream = new("txn", "s");

    [Fact]
    public async Task Events_are_invisible_until_commit_then_all_appear_in_order()
    {
        await using var gw = await TestGateway.StartAsync();
        await gw.Client.EnsureStreamAsync(Stream, segments: 3);
        var txn = await gw.Client.BeginTransactionAsync(Stream, TimeSpan.FromMinutes(1));
        var written = await gw.Client.WriteTransactionEventsAsync(Stream, txn, Enumerable.Range(0, 50).Select(i => Events.Make("k" + i % 5, i)));
        Assert.Equal(50, written);
        Assert.Equal(TransactionState.Open, await gw.Client.GetTransactionStatusAsync(Stream, txn));
        Assert.Empty(await gw.Client.ReadRangeAsync(Stream).ToListAsync());

        Assert.Equal(TransactionState.Committed, await gw.Client.CommitTransactionAsync(Stream, txn));
        var read = (await gw.Client.ReadRangeAsync(Stream).ToListAsync()).Select(e => Events.Parse(e.Data)).ToList();
        Assert.Equal(50, read.Count);
        foreach (var group in read.GroupBy(e => e.Key))
            Assert.Equal(Enumerable.Range(0, 50).Where(i => "k" + i % 5 == group.Key).Select(i => (long)i), group.Select(e => e.Sequence));
    }

    /// <summary>
    /// Batched messages and the combined write-and-commit call: 2,500 events travel in 3 messages (1,024 per message),
    /// join the transaction and commit in one call — all visible, in order per key, once, also after a restart (replayed
    /// from the journal) — and an old-style call (one event per message, commit on the last) commits the same way.
    /// </summary>
    [Fact]
    public async Task A_batched_write_and_commit_in_one_call_commits_every_event_once_and_old_single_event_messages_still_work()
    {
        var gw = await TestGateway.StartAsync();
        try
        {
            await gw.Client.EnsureStreamAsync(Stream, segments: 3);
            Assert.Equal(3, TransactionEventBatches.Of(Enumerable.Range(0, 2500).Select(i => Events.Make("k", i))).Count());
            var txn = await gw.Client.BeginTransactionAsync(Stream, TimeSpan.FromMinutes(1));
            Assert.Equal(TransactionState.Committed,
                await gw.Client.WriteAndCommitTransactionAsync(Stream, txn, [.. Enumerable.Range(0, 2500).Select(i => Events.Make("k" + i % 5, i))]));
            Assert.Equal(TransactionState.Committed, await gw.Client.GetTransactionStatusAsync(Stream, txn));

            var single = await gw.Client.BeginTransactionAsync(Stream, TimeSpan.FromMinutes(1));
            using (var call = gw.Client.Raw.WriteTransactionEvents())
            {
                for (var i = 2500; i < 2503; i++)
                    await call.RequestStream.WriteAsync(new Streams.Protocol.WriteTransactionEventsRequest
                    {
                        Scope = Stream.Scope, Stream = Stream.Stream, TxnId = single, RoutingKey = "k0",
                        Event = Google.Protobuf.ByteString.CopyFrom(Events.Make("k0", i).Data.Span), Commit = i == 2502,
                    });
                await call.RequestStream.CompleteAsync();
                var response = await call.ResponseAsync;
                Assert.Equal((3L, true), (response.EventsWritten, response.Committed));
            }

            for (var round = 0; round < 2; round++)
            {
                var read = (await gw.Client.ReadRangeAsync(Stream).ToListAsync()).Select(e => Events.Parse(e.Data)).ToList();
                Assert.Equal(2503, read.Count);
                foreach (var group in read.GroupBy(e => e.Key))
                    Assert.Equal(Enumerable.Range(0, 2503).Where(i => i < 2500 ? "k" + i % 5 == group.Key : group.Key == "k0").Select(i => (long)i),
                        group.Select(e => e.Sequence));
                if (round == 0) gw = await gw.RestartAsync();
            }
        }
        finally
        {
            await gw.DisposeAsync();
        }
    }

    [Fact]
    public async Task Commit_is_idempotent_and_events_appear_once()
    {
        await using var gw = await TestGateway.StartAsync();
        await gw.Client.EnsureStreamAsync(Stream);
        var txn = await gw.Client.BeginTransactionAsync(Stream, TimeSpan.FromMinutes(1));
        await gw.Client.WriteTransactionEventsAsync(Stream, txn, [Events.Make("a", 1), Events.Make("a", 2)]);
        Assert.Equal(TransactionState.Committed, await gw.Client.CommitTransactionAsync(Stream, txn));
        Assert.Equal(TransactionState.Committed, await gw.Client.CommitTransactionAsync(Stream, txn));
        Assert.Equal(TransactionState.Committed, await gw.Client.GetTransactionStatusAsync(Stream, txn));
        Assert.Equal(["a|1|", "a|2|"], (await gw.Client.ReadRangeAsync(Stream).ToListAsync()).Select(e => Events.Text(e.Data)));

        var write = await Assert.ThrowsAsync<RpcException>(() => gw.Client.WriteTransactionEventsAsync(Stream, txn, [Events.Make("a", 3)]));
        Assert.Equal(StatusCode.FailedPrecondition, write.StatusCode);
    }

    [Fact]
    public async Task Aborted_transaction_is_never_visible_and_cannot_commit()
    {
        var gw = await TestGateway.StartAsync();
        try
        {
            await gw.Client.EnsureStreamAsync(Stream);
            var txn = await gw.Client.BeginTransactionAsync(Stream, TimeSpan.FromMinutes(1));
            await gw.Client.WriteTransactionEventsAsync(Stream, txn, [Events.Make("a", 1)]);
            Assert.Equal(TransactionState.Aborted, await gw.Client.AbortTransactionAsync(Stream, txn));
            Assert.Equal(TransactionState.Aborted, await gw.Client.AbortTransactionAsync(Stream, txn));
            Assert.Equal(TransactionState.Aborted, await gw.Client.GetTransactionStatusAsync(Stream, txn));
            var commit = await Assert.ThrowsAsync<RpcException>(() => gw.Client.CommitTransactionAsync(Stream, txn));
            Assert.Equal(StatusCode.FailedPrecondition, commit.StatusCode);
            var write = await Assert.ThrowsAsync<RpcException>(() => gw.Client.WriteTransactionEventsAsync(Stream, txn, [Events.Make("a", 2)]));
            Assert.Equal(StatusCode.FailedPrecondition, write.StatusCode);

            // A later committed transaction shows only its own events.
            var other = await gw.Client.BeginTransactionAsync(Stream, TimeSpan.FromMinutes(1));
            await gw.Client.WriteTransactionEventsAsync(Stream, other, [Events.Make("b", 1)]);
            await gw.Client.CommitTransactionAsync(Stream, other);
            Assert.Equal(["b|1|"], (await gw.Client.ReadRangeAsync(Stream).ToListAsync()).Select(e => Events.Text(e.Data)));

            // Its events are still in the journal, but its abort is too: after a restart it is not open again.
            gw = await gw.RestartAsync();
            Assert.Equal(TransactionState.Unknown, await gw.Client.GetTransactionStatusAsync(Stream, txn));
            Assert.Equal(["b|1|"], (await gw.Client.ReadRangeAsync(Stream).ToListAsync()).Select(e => Events.Text(e.Data)));
        }
        finally
        {
            await gw.DisposeAsync();
        }
    }

    [Fact]
    public async Task Expired_lease_aborts_and_ping_keeps_a_transaction_open()
    {
        await using var gw = await TestGateway.StartAsync();
        await gw.Client.EnsureStreamAsync(Stream);
        var lease = TimeSpan.FromSeconds(2);
        var pinged = await WithinLeaseAsync(lease, async txn =>
            Assert.Equal(TransactionState.Open, await gw.Client.PingTransactionAsync(Stream, txn, TimeSpan.FromMinutes(5))));
        var expiring = await WithinLeaseAsync(lease, txn => gw.Client.WriteTransactionEventsAsync(Stream, txn, [Events.Make("x", 1)]));

        await Poll.UntilAsync(() => gw.Client.GetTransactionStatusAsync(Stream, expiring), s => s == TransactionState.Aborted,
            TimeSpan.FromSeconds(60), "status of the transaction whose lease expired");
        // It was begun after the pinged one with the same lease, so the pinged one's original lease has run out too.
        Assert.Equal(TransactionState.Open, await gw.Client.GetTransactionStatusAsync(Stream, pinged));
        var commit = await Assert.ThrowsAsync<RpcException>(() => gw.Client.CommitTransactionAsync(Stream, expiring));
        Assert.Equal(StatusCode.FailedPrecondition, commit.StatusCode);
        Assert.Equal(TransactionState.Committed, await gw.Client.CommitTransactionAsync(Stream, pinged));
        Assert.Empty(await gw.Client.ReadRangeAsync(Stream).ToListAsync());

        // Begins a transaction with the lease and runs the step on it. A loaded machine can stall longer than the lease
        // between the two: a step that failed after the lease really ran out proves nothing either way and is tried again
        // with a new transaction; one that failed within the lease fails the test.
        async Task<string> WithinLeaseAsync(TimeSpan lease, Func<string, Task> step)
        {
            for (var attempt = 1; ; attempt++)
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var txn = await gw.Client.BeginTransactionAsync(Stream, lease);
                try
                {
                    await step(txn);
                    return txn;
                }
                catch (Exception) when (clock.Elapsed >= lease && attempt < 5)
                {
                    // the lease ran out before the step: not a failure of the gateway
                }
            }
        }
    }

    [Fact]
    public async Task Unknown_transactions_and_streams()
    {
        await using var gw = await TestGateway.StartAsync();
        await gw.Client.EnsureStreamAsync(Stream);
        var unknown = Guid.NewGuid().ToString("N");
        Assert.Equal(TransactionState.Unknown, await gw.Client.GetTransactionStatusAsync(Stream, unknown));
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => gw.Client.CommitTransactionAsync(Stream, unknown))).StatusCode);
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => gw.Client.AbortTransactionAsync(Stream, unknown))).StatusCode);
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() =>
            gw.Client.WriteTransactionEventsAsync(Stream, unknown, [Events.Make("a", 1)]))).StatusCode);
        var missing = new StreamName("txn", "missing");
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => gw.Client.BeginTransactionAsync(missing, TimeSpan.FromMinutes(1)))).StatusCode);
        Assert.Equal(StatusCode.NotFound, (await Assert.ThrowsAsync<RpcException>(() => gw.Client.GetTransactionStatusAsync(missing, unknown))).StatusCode);
    }

    [Fact]
    public async Task Committed_status_and_open_transactions_survive_a_restart()
    {
        var gw = await TestGateway.StartAsync();
        try
        {
            await gw.Client.EnsureStreamAsync(Stream, segments: 2);
            var committed = await gw.Client.BeginTransactionAsync(Stream, TimeSpan.FromMinutes(1));
            await gw.Client.WriteTransactionEventsAsync(Stream, committed, [Events.Make("a", 1)]);
            await gw.Client.CommitTransactionAsync(Stream, committed);
            var open = await gw.Client.BeginTransactionAsync(Stream, TimeSpan.FromMinutes(1));
            await gw.Client.WriteTransactionEventsAsync(Stream, open, [Events.Make("b", 1), Events.Make("b", 2)]);

            gw = await gw.RestartAsync();

            Assert.Equal(TransactionState.Committed, await gw.Client.GetTransactionStatusAsync(Stream, committed));
            Assert.Equal(TransactionState.Committed, await gw.Client.CommitTransactionAsync(Stream, committed));
            Assert.Equal(TransactionState.Open, await gw.Client.GetTransactionStatusAsync(Stream, open));
            Assert.Equal(["a|1|"], (await gw.Client.ReadRangeAsync(Stream).ToListAsync()).Select(e => Events.Text(e.Data)));
            Assert.Equal(TransactionState.Committed, await gw.Client.CommitTransactionAsync(Stream, open));
            Assert.Equal(["a|1|", "b|1|", "b|2|"],
                (await gw.Client.ReadRangeAsync(Stream).ToListAsync()).Select(e => Events.Text(e.Data)).Order());
        }
        finally
        {
            await gw.DisposeAsync();
        }
    }

    [Fact]
    public async Task Compatible_WriteEvents_with_transactions_commits_at_commit_flags_and_at_the_end()
    {
        await using var gw = await TestGateway.StartAsync();
        await gw.Client.EnsureStreamAsync(Stream);
        using var call = gw.Client.Raw.WriteEvents();
        await call.RequestStream.WriteAsync(new() { Scope = "txn", Stream = "s", UseTransaction = true, RoutingKey = "k", Event = Google.Protobuf.ByteString.CopyFromUtf8("1") });
        await call.RequestStream.WriteAsync(new() { UseTransaction = true, RoutingKey = "k", Event = Google.Protobuf.ByteString.CopyFromUtf8("2"), Commit = true });
        // The first two are committed while the call is still open.
        await Poll.UntilAsync(async () => (await gw.Client.ReadRangeAsync(Stream).ToListAsync()).Count, n => n == 2, TimeSpan.FromSeconds(60), "events visible");
        await call.RequestStream.WriteAsync(new() { UseTransaction = true, RoutingKey = "k", Event = Google.Protobuf.ByteString.CopyFromUtf8("3") });
        await call.RequestStream.CompleteAsync();
        await call.ResponseAsync;
        Assert.Equal(["1", "2", "3"], (await gw.Client.ReadRangeAsync(Stream).ToListAsync()).Select(e => Events.Text(e.Data)));

        await gw.Client.WriteEventsAsync(Stream, [Events.Make("n", 1), Events.Make("n", 2)]);
        Assert.Equal(5, (await gw.Client.ReadRangeAsync(Stream).ToListAsync()).Count);
    }
}
