using Grpc.Core;
using SensorStream.Gateway.Service;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Streams.Protocol;

namespace SensorStream.Gateway.Tests;

/// <summary>
/// ReadEventBatches against ReadEvents on the same streams: the batches hold exactly ReadEvents' events (bytes and
/// order), each batch's cut is ReadEvents' cut after the same event, batches are packed greedily up to the request's
/// count and byte limits (only a lone event may pass the bytes), and a read from any batch's cut yields exactly the
/// events after it — across scaling epochs, empty ones included (the shapes of <see cref="EmptyEpochTests"/>).
/// The fallback to ReadEvents is in <see cref="PublicProtocolTests"/>.
/// </summary>
public sealed class ReadEventBatchesTests
{
    private static readonly (int Events, int Bytes)[] Limits = [(1, 0), (3, 0), (0, 100), (5, 300), (0, 0)];

    [Fact]
    public async Task Batches_hold_exactly_the_per_event_read_across_scaling_and_empty_epochs()
    {
        await using var gw = await TestGateway.StartAsync();
        for (var seed = 0; seed < 4; seed++)
        {
            var random = new Random(seed);
            var stream = new StreamName("batches", "random" + seed);
            await gw.Client.EnsureStreamAsync(stream, segments: random.Next(1, 4));
            var sequence = 0L;
            for (var step = 0; step < 7; step++)
            {
                if (random.Next(3) == 0) Assert.True(await gw.Client.ScaleStreamAsync(stream, random.Next(1, 5)));
                else
                    await gw.Client.WriteEventsAsync(stream, Enumerable.Range(0, random.Next(1, 12))
                        .Select(_ => Events.Make("k" + random.Next(5), sequence++, random.Next(0, 120))).ToList());
            }
            if (random.Next(2) == 0) Assert.True(await gw.Client.ScaleStreamAsync(stream, random.Next(1, 5))); // maybe end in an empty epoch
            await AssertSameAsPerEventReadAsync(gw.Client, stream, (int)sequence);
        }
    }

    [Fact]
    public async Task A_response_never_passes_the_gateways_byte_cap_and_bad_limits_are_refused()
    {
        await using var gw = await TestGateway.StartAsync();
        var stream = new StreamName("batches", "cap");
        await gw.Client.EnsureStreamAsync(stream);
        const int eventBytes = 1024 * 1024;
        var count = EventBatchBuffer.MaxBytes / eventBytes + 2;
        for (var i = 0; i < count; i++) await gw.Client.WriteEventsAsync(stream, [new OutgoingEvent("k", Events.Blob(eventBytes, i))]);
        var tail = (await gw.Client.GetStreamInfoAsync(stream)).Tail;

        var batches = await gw.Client.ReadEventBatchesAsync(stream, null, tail, int.MaxValue, int.MaxValue).ToListAsync();
        Assert.Equal([EventBatchBuffer.MaxBytes / eventBytes, 2], batches.Select(b => b.Events.Count));
        Assert.Equal(Enumerable.Range(0, count).Select(i => Events.Blob(eventBytes, i)), batches.SelectMany(b => b.Events).Select(e => e.ToArray()));
        using (var capped = new EventBatchBuffer(new ReadEventBatchesRequest { MaxEvents = int.MaxValue, MaxBytes = int.MaxValue }))
            Assert.Equal((EventBatchBuffer.MaxEvents, EventBatchBuffer.MaxBytes), capped.Limits);
        using (var defaults = new EventBatchBuffer(new ReadEventBatchesRequest()))
            Assert.Equal((EventBatchBuffer.DefaultMaxEvents, EventBatchBuffer.DefaultMaxBytes), defaults.Limits);

        // A lone event larger than the limit still comes, alone.
        var lone = await gw.Client.ReadEventBatchesAsync(stream, null, tail, 0, 10).ToListAsync();
        Assert.All(lone, b => Assert.Single(b.Events));
        Assert.Equal(count, lone.Count);

        var bad = await Assert.ThrowsAsync<RpcException>(() => gw.Client.ReadEventBatchesAsync(stream, null, tail, 0, -1).ToListAsync().AsTask());
        Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
        Assert.Equal("max_bytes is -1; it must be 0 (the gateway's default) or positive", bad.Status.Detail);
    }

    [Fact]
    public async Task A_tailing_read_sends_what_it_has_before_it_waits()
    {
        await using var gw = await TestGateway.StartAsync();
        var stream = new StreamName("batches", "tail");
        await gw.Client.EnsureStreamAsync(stream, segments: 2);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var read = gw.Client.ReadEventBatchesAsync(stream, null, null, 0, 0, timeout.Token).GetAsyncEnumerator(timeout.Token);
        var seen = new List<string>();
        for (var round = 0; round < 2; round++)
        {
            var written = Enumerable.Range(0, 5).Select(i => Events.Make("k" + i % 2, round * 5 + i)).ToList();
            await gw.Client.WriteEventsAsync(stream, written);
            while (seen.Count < (round + 1) * 5)
            {
                Assert.True(await read.MoveNextAsync());
                seen.AddRange(read.Current.Events.Select(Events.Text));
            }
            Assert.Equal(written.Select(e => Events.Text(e.Data)).Order(), seen.Skip(round * 5).Order());
        }
    }

    /// <summary>Every limit of <see cref="Limits"/> from the head, and from some batch cuts, against ReadEvents.</summary>
    private static async Task AssertSameAsPerEventReadAsync(GatewayClient client, StreamName stream, int total)
    {
        var tail = (await client.GetStreamInfoAsync(stream)).Tail;
        var all = await client.ReadEventsAsync(stream, null, tail).ToListAsync();
        Assert.Equal(total, all.Count);
        foreach (var (maxEvents, maxBytes) in Limits)
        {
            var what = $"{stream}, max_events {maxEvents}, max_bytes {maxBytes}";
            var batches = await client.ReadEventBatchesAsync(stream, null, tail, maxEvents, maxBytes).ToListAsync();
            AssertBatchesMatch(all, batches, maxEvents == 0 ? EventBatchBuffer.DefaultMaxEvents : maxEvents,
                maxBytes == 0 ? EventBatchBuffer.DefaultMaxBytes : maxBytes, what);
            // From a batch's cut: exactly the events after it (every third cut keeps the test fast).
            var end = 0;
            var ends = batches.Select(x => end += x.Events.Count).ToList();
            for (var b = 0; b < batches.Count; b += 3)
            {
                var rest = (await client.ReadEventBatchesAsync(stream, batches[b].CutAfter, tail, maxEvents, maxBytes).ToListAsync()).SelectMany(x => x.Events);
                Assert.True(all.Skip(ends[b]).Select(e => Events.Text(e.Data)).SequenceEqual(rest.Select(Events.Text)),
                    $"{what}: from the cut after batch {b} ({ends[b]} events)");
            }
        }
    }

    private static void AssertBatchesMatch(IReadOnlyList<StreamEvent> all, IReadOnlyList<StreamEventBatch> batches, int maxEvents, int maxBytes, string what)
    {
        var at = 0;
        for (var b = 0; b < batches.Count; b++)
        {
            var batch = batches[b];
            Assert.NotEmpty(batch.Events);
            Assert.True(batch.Events.Count <= maxEvents, $"{what}: batch {b} has {batch.Events.Count} events");
            Assert.True(batch.Bytes <= maxBytes || batch.Events.Count == 1, $"{what}: batch {b} has {batch.Bytes} bytes in {batch.Events.Count} events");
            Assert.Equal(batch.Events.Sum(e => (long)e.Length), batch.Bytes);
            for (var i = 0; i < batch.Events.Count; i++)
                Assert.True(all[at + i].Data.Span.SequenceEqual(batch.Events[i].Span), $"{what}: event {at + i} differs");
            at += batch.Events.Count;
            Assert.Equal(all[at - 1].CutAfter.Text, batch.CutAfter.Text);
            Assert.Equal(all[at - 1].CutAfter.Cut, batch.CutAfter.Cut);
            // Greedy: the next event did not fit.
            if (at < all.Count)
                Assert.True(batch.Events.Count == maxEvents || batch.Bytes + all[at].Data.Length > maxBytes, $"{what}: batch {b} ends early at event {at}");
        }
        Assert.Equal(all.Count, at);
    }
}
