using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Streams.Protocol;

namespace SensorStream.Gateway.Tests;

/// <summary>Retention by size and time, and TruncateStream, move the head; readers start there.</summary>
public sealed class RetentionTests
{
    private static Task<TestGateway> StartAsync() => TestGateway.StartAsync(s => s with { RetentionIntervalMs = 20 });

    private static async Task CommitAsync(GatewayClient client, StreamName stream, IEnumerable<OutgoingEvent> events)
    {
        var txn = await client.BeginTransactionAsync(stream, TimeSpan.FromMinutes(1));
        await client.WriteTransactionEventsAsync(stream, txn, events);
        await client.CommitTransactionAsync(stream, txn);
    }

    private static long Size(StreamBounds b) => b.Tail.Cut.Sum(kv => kv.Value) - b.Head.Cut.Sum(kv => kv.Value);

    [Fact]
    public async Task Size_retention_keeps_the_newest_events_within_the_limit()
    {
        await using var gw = await StartAsync();
        var stream = new StreamName("ret", "size");
        await gw.Client.CreateScopeAsync(stream.Scope);
        const long limit = 20_000;
        await gw.Client.CreateStreamAsync(stream, segments: 2, new RetentionPolicy { RetentionType = RetentionPolicy.Types.RetentionPolicyType.Size, RetentionParam = limit });
        for (var t = 0; t < 10; t++) await CommitAsync(gw.Client, stream, Enumerable.Range(t * 10, 10).Select(i => Events.Make("k" + i % 3, i, 1000)));

        var bounds = await Poll.UntilAsync(() => gw.Client.GetStreamInfoAsync(stream), b => Size(b) <= limit, TimeSpan.FromSeconds(60), "stream size");
        Assert.True(Size(bounds) > limit - 2 * 1016, $"retention dropped more than needed: {Size(bounds)} bytes left");
        var left = (await gw.Client.ReadRangeAsync(stream).ToListAsync()).Select(e => Events.Parse(e.Data).Sequence).ToList();
        Assert.Equal(Size(bounds) / 1016, left.Count); // every event is a 1000-byte payload + 16 bytes of framing
        // What is left is the newest events of each key, contiguous up to the last one.
        foreach (var group in left.GroupBy(s => s % 3))
            Assert.Equal(Enumerable.Range(0, 100).Where(i => i % 3 == group.Key).TakeLast(group.Count()).Select(i => (long)i), group);
    }

    [Fact]
    public async Task Time_retention_drops_events_older_than_the_limit()
    {
        await using var gw = await StartAsync();
        var stream = new StreamName("ret", "time");
        await gw.Client.CreateScopeAsync(stream.Scope);
        // 2 s, not less: the new event must outlive commit + read, which on a loaded 2-core host took over 300 ms.
        await gw.Client.CreateStreamAsync(stream, 1, new RetentionPolicy { RetentionType = RetentionPolicy.Types.RetentionPolicyType.Time, RetentionParam = 2000 });
        await CommitAsync(gw.Client, stream, [Events.Make("old", 1), Events.Make("old", 2)]);
        await Poll.UntilAsync(() => gw.Client.GetStreamInfoAsync(stream), b => b.Head.Text == b.Tail.Text, TimeSpan.FromSeconds(60), "head reaching the tail");
        await CommitAsync(gw.Client, stream, [Events.Make("new", 1)]);
        Assert.Equal(["new|1|"], (await gw.Client.ReadRangeAsync(stream).ToListAsync()).Select(e => Events.Text(e.Data)));
    }

    [Fact]
    public async Task Truncate_moves_the_head_to_a_cut_and_never_back()
    {
        await using var gw = await StartAsync();
        var stream = new StreamName("ret", "trunc");
        await gw.Client.EnsureStreamAsync(stream, segments: 2);
        await CommitAsync(gw.Client, stream, Enumerable.Range(0, 6).Select(i => Events.Make("k" + i, i)));
        var all = await gw.Client.ReadRangeAsync(stream).ToListAsync();
        var cut = all[2].CutAfter;
        Assert.True(await gw.Client.TruncateStreamAsync(stream, new StreamCut { Text = cut.Text }));
        Assert.Equal(cut.Text, (await gw.Client.GetStreamInfoAsync(stream)).Head.Text);
        var rest = (await gw.Client.ReadRangeAsync(stream).ToListAsync()).Select(e => Events.Text(e.Data));
        Assert.Equal(all.Skip(3).Select(e => Events.Text(e.Data)).Order(), rest.Order());

        // A cut before the head does not move it back; a read from before the head starts at the head.
        Assert.True(await gw.Client.TruncateStreamAsync(stream, all[0].CutAfter));
        Assert.Equal(cut.Text, (await gw.Client.GetStreamInfoAsync(stream)).Head.Text);
        Assert.Equal(3, (await gw.Client.ReadRangeAsync(stream, all[0].CutAfter).ToListAsync()).Count);
    }
}
