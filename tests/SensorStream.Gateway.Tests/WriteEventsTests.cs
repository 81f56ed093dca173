using Google.Protobuf;
using Grpc.Core;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Streams.Protocol;

namespace SensorStream.Gateway.Tests;

/// <summary>
/// The compatible WriteEvents as the public gateway behaves: non-transactional events are durable and visible while
/// the call is open and kept when the client cancels; use_transaction cannot be switched on mid-call; concurrent
/// calls keep per-key order. DeleteStream is idempotent.
/// </summary>
public sealed class WriteEventsTests
{
    private static readonly StreamName Stream = new("compat", "s");
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static WriteEventsRequest Message(string key, long sequence, bool first = false, bool useTransaction = false) => new()
    {
        Scope = first ? Stream.Scope : "",
        Stream = first ? Stream.Stream : "",
        UseTransaction = useTransaction,
        RoutingKey = key,
        Event = ByteString.CopyFrom(Events.Make(key, sequence).Data.Span),
    };

    /// <summary>Sends one more message and completes (either may fail: the server may have ended the call); the call's error.</summary>
    private static async Task<RpcException> SendLastAndFailAsync(AsyncClientStreamingCall<WriteEventsRequest, WriteEventsResponse> call, WriteEventsRequest last)
    {
        try
        {
            await call.RequestStream.WriteAsync(last);
            await call.RequestStream.CompleteAsync();
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException)
        {
            // The server already ended the call; its status is in the response.
        }
        return await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
    }

    private static async Task<int> CountAsync(GatewayClient client) => (await client.ReadRangeAsync(Stream).ToListAsync()).Count;

    [Fact]
    public async Task Events_are_visible_while_the_call_is_open_and_kept_when_the_client_cancels()
    {
        await using var gw = await TestGateway.StartAsync();
        await gw.Client.EnsureStreamAsync(Stream, segments: 3);
        using var cancel = new CancellationTokenSource();
        using var call = gw.Client.Raw.WriteEvents(cancellationToken: cancel.Token);
        for (var i = 0; i < 5; i++)
        {
            await call.RequestStream.WriteAsync(Message("k" + i % 2, i, first: i == 0));
            await Poll.UntilAsync(() => CountAsync(gw.Client), n => n == i + 1, Wait, $"event {i} visible while the call is open");
        }
        cancel.Cancel();
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);

        // Kept: exactly the five, in order per key, and the stream still takes writes.
        await gw.Client.WriteEventsAsync(Stream, [Events.Make("k0", 5)]);
        var events = (await gw.Client.ReadRangeAsync(Stream).ToListAsync()).Select(e => Events.Parse(e.Data)).ToList();
        Assert.Equal([0L, 2, 4, 5], events.Where(e => e.Key == "k0").Select(e => e.Sequence));
        Assert.Equal([1L, 3], events.Where(e => e.Key == "k1").Select(e => e.Sequence));
    }

    [Fact]
    public async Task A_stream_deleted_under_an_open_call_fails_it_saying_what_was_written()
    {
        await using var gw = await TestGateway.StartAsync();
        await gw.Client.EnsureStreamAsync(Stream);
        using var call = gw.Client.Raw.WriteEvents();
        for (var i = 0; i < 3; i++) await call.RequestStream.WriteAsync(Message("k", i, first: i == 0));
        await Poll.UntilAsync(() => CountAsync(gw.Client), n => n == 3, Wait, "the first three events visible");
        await gw.Client.DeleteStreamAsync(Stream);
        var error = await SendLastAndFailAsync(call, Message("k", 3));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("3 event(s) of this call were written, the rest were not", error.Status.Detail);
    }

    [Fact]
    public async Task Switching_use_transaction_on_mid_call_is_invalid_and_nothing_after_it_is_written()
    {
        await using var gw = await TestGateway.StartAsync();
        await gw.Client.EnsureStreamAsync(Stream);
        using var call = gw.Client.Raw.WriteEvents();
        await call.RequestStream.WriteAsync(Message("k", 0, first: true));
        await call.RequestStream.WriteAsync(Message("k", 1));
        await call.RequestStream.WriteAsync(Message("k", 2, useTransaction: true));
        var error = await SendLastAndFailAsync(call, Message("k", 3));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("event 2 sets use_transaction", error.Status.Detail);
        Assert.Contains("events 0..1 of this call were written", error.Status.Detail);
        Assert.Equal([0L, 1], (await gw.Client.ReadRangeAsync(Stream).ToListAsync()).Select(e => Events.Parse(e.Data).Sequence));

        // A call begun with use_transaction may leave it false later (the protocol default), as in the public gateway.
        await gw.Client.WriteEventsAsync(Stream, [Events.Make("t", 0)], useTransaction: true);
        Assert.Equal(3, await CountAsync(gw.Client));
    }

    [Fact]
    public async Task Concurrent_streamed_calls_write_every_event_once_in_key_order()
    {
        await using var gw = await TestGateway.StartAsync();
        await gw.Client.EnsureStreamAsync(Stream, segments: 2);
        const int writers = 4, perWriter = 150;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w =>
            gw.Client.WriteEventsAsync(Stream, Enumerable.Range(0, perWriter).Select(i => Events.Make($"w{w}", i, size: 200)))));
        var events = (await gw.Client.ReadRangeAsync(Stream).ToListAsync()).Select(e => Events.Parse(e.Data)).ToList();
        Assert.Equal(writers * perWriter, events.Count);
        foreach (var w in Enumerable.Range(0, writers))
            Assert.Equal(Enumerable.Range(0, perWriter).Select(i => (long)i), events.Where(e => e.Key == $"w{w}").Select(e => e.Sequence));
    }

    [Fact]
    public async Task DeleteStream_is_idempotent_and_still_checks_names()
    {
        await using var gw = await TestGateway.StartAsync();
        await gw.Client.EnsureStreamAsync(Stream);
        await gw.Client.DeleteStreamAsync(Stream);
        await gw.Client.DeleteStreamAsync(Stream);
        await gw.Client.DeleteStreamAsync(new StreamName("no-such-scope", "s"));
        var bad = await Assert.ThrowsAsync<RpcException>(async () =>
            await gw.Client.Raw.DeleteStreamAsync(new DeleteStreamRequest { Scope = "compat", Stream = "bad/name" }));
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
    }

    [Fact]
    public async Task A_transactional_call_may_leave_use_transaction_at_its_default_later_and_stays_all_or_nothing()
    {
        // The public proto: "For subsequent requests, must be the same value or the default (false)". proto3 cannot tell
        // a later false from an unset field, so it continues the call's transaction: no event is visible before the end.
        await using var gw = await TestGateway.StartAsync();
        await gw.Client.EnsureStreamAsync(Stream);
        using (var call = gw.Client.Raw.WriteEvents())
        {
            await call.RequestStream.WriteAsync(Message("t", 0, first: true, useTransaction: true));
            await call.RequestStream.WriteAsync(Message("t", 1));
            await call.RequestStream.WriteAsync(Message("t", 2));
            Assert.Empty(await gw.Client.ReadRangeAsync(Stream).ToListAsync());
            await call.RequestStream.CompleteAsync();
            await call.ResponseAsync;
        }
        Assert.Equal([0L, 1, 2], (await gw.Client.ReadRangeAsync(Stream).ToListAsync()).Select(e => Events.Parse(e.Data).Sequence));

        // A failure later in such a call (here another stream named) aborts its open transaction: nothing of it is written.
        using (var call = gw.Client.Raw.WriteEvents())
        {
            await call.RequestStream.WriteAsync(Message("u", 0, first: true, useTransaction: true));
            await call.RequestStream.WriteAsync(Message("u", 1));
            var bad = Message("u", 2);
            bad.Stream = "elsewhere";
            var error = await SendLastAndFailAsync(call, bad);
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.Contains("events 0..2 (the open transaction) were not written", error.Status.Detail);
        }
        Assert.Equal(["t|0|", "t|1|", "t|2|"], (await gw.Client.ReadRangeAsync(Stream).ToListAsync()).Select(e => Events.Text(e.Data)));
    }
}
