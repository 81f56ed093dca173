using Grpc.Core;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;

namespace SensorStream.Gateway.Tests;

/// <summary>Event-time watermarks (Pravega's model): writers' marks with their commits, lowest active time, tied to a cut, monotonic, durable.</summary>
public sealed class WatermarkTests
{
    private static readonly StreamName Stream = new("wm", "s");

    /// <summary>One event in one transaction, committed with the writer's time.</summary>
    private static async Task CommitAsync(GatewayClient client, string writer, long time, int seq)
    {
        var txn = await client.BeginTransactionAsync(Stream, TimeSpan.FromMinutes(1));
        await client.WriteTransactionEventsAsync(Stream, txn, [Events.Make(writer, seq)]);
        Assert.Equal(TransactionState.Committed, await client.CommitTransactionAsync(Stream, txn, new WriterTime(writer, time)));
    }

    private static async Task<(long Lower, long Upper, string Cut)?> WatermarkAsync(GatewayClient client) =>
        (await client.GetStreamInfoAsync(Stream)).Watermark is { } w ? (w.LowerTimeBound, w.UpperTimeBound, w.Cut.Text) : null;

    [Fact]
    public async Task Watermark_is_the_lowest_writer_time_before_its_cut_never_moves_back_and_survives_a_restart()
    {
        var gw = await TestGateway.StartAsync();
        try
        {
            await gw.Client.EnsureStreamAsync(Stream, segments: 2);
            Assert.Null(await WatermarkAsync(gw.Client));
            // A commit without a mark counts for no writer.
            var plain = await gw.Client.BeginTransactionAsync(Stream, TimeSpan.FromMinutes(1));
            await gw.Client.WriteTransactionEventsAsync(Stream, plain, [Events.Make("x", 0)]);
            await gw.Client.CommitTransactionAsync(Stream, plain);
            Assert.Null(await WatermarkAsync(gw.Client));

            await CommitAsync(gw.Client, "a", 1_000, 1);
            var afterA = (await gw.Client.GetStreamInfoAsync(Stream)).Tail.Text;
            Assert.Equal((1_000L, 1_000L, afterA), await WatermarkAsync(gw.Client));

            // A writer with an older time joins: the watermark does not move back, nor forward.
            await CommitAsync(gw.Client, "b", 500, 2);
            Assert.Equal((1_000L, 1_000L, afterA), await WatermarkAsync(gw.Client));
            await CommitAsync(gw.Client, "a", 2_000, 3);
            Assert.Equal((1_000L, 1_000L, afterA), await WatermarkAsync(gw.Client));

            // b moves past a: the lowest active time is a's 2000, and the cut is after both writers' commits.
            await CommitAsync(gw.Client, "b", 3_000, 4);
            var tail = (await gw.Client.GetStreamInfoAsync(Stream)).Tail.Text;
            Assert.Equal((2_000L, 3_000L, tail), await WatermarkAsync(gw.Client));
            Assert.Equal(5, (await gw.Client.ReadRangeAsync(Stream, to: (await gw.Client.GetStreamInfoAsync(Stream)).Watermark!.Cut).ToListAsync()).Count);

            gw = await gw.RestartAsync();
            Assert.Equal((2_000L, 3_000L, tail), await WatermarkAsync(gw.Client));
            // Both writers are still known after the restart: a alone moving on does not move the watermark past b.
            await CommitAsync(gw.Client, "a", 9_000, 5);
            var after = (await WatermarkAsync(gw.Client))!.Value;
            Assert.Equal((3_000L, 9_000L), (after.Lower, after.Upper));
        }
        finally
        {
            await gw.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_silent_writer_stops_holding_the_watermark_back_after_the_timeout()
    {
        await using var gw = await TestGateway.StartAsync(s => s with { WatermarkWriterTimeoutMs = 3_000 });
        await gw.Client.EnsureStreamAsync(Stream);
        await CommitAsync(gw.Client, "slow", 500, 1);
        await CommitAsync(gw.Client, "fast", 5_000, 2);
        Assert.Equal(500L, (await WatermarkAsync(gw.Client))!.Value.Lower);
        // The fast writer keeps committing (a live writer does); the slow one stays silent past the 3 s timeout. (Were both
        // silent, both would time out within milliseconds of each other and, with no active writer, the watermark stays.)
        var seq = 2;
        var moved = await Poll.UntilAsync(async () =>
        {
            await CommitAsync(gw.Client, "fast", 5_000, ++seq);
            return await WatermarkAsync(gw.Client);
        }, w => w?.Lower != 500, TimeSpan.FromSeconds(60), "watermark after the slow writer's timeout");
        Assert.Equal(5_000L, moved!.Value.Lower);
        // The writer comes back with an old time: accepted, the watermark stays where it was.
        await CommitAsync(gw.Client, "slow", 600, ++seq);
        Assert.Equal(5_000L, (await WatermarkAsync(gw.Client))!.Value.Lower);
    }

    [Fact]
    public async Task A_bad_mark_is_refused_before_the_commit()
    {
        await using var gw = await TestGateway.StartAsync();
        await gw.Client.EnsureStreamAsync(Stream);
        var txn = await gw.Client.BeginTransactionAsync(Stream, TimeSpan.FromMinutes(1));
        await gw.Client.WriteTransactionEventsAsync(Stream, txn, [Events.Make("a", 1)]);
        var e = await Assert.ThrowsAsync<RpcException>(() => gw.Client.CommitTransactionAsync(Stream, txn, new WriterTime(new string('w', 300), 5)));
        Assert.Equal((StatusCode.InvalidArgument, "writer_id must be at most 256 printable characters"), (e.StatusCode, e.Status.Detail));
        Assert.Equal(TransactionState.Open, await gw.Client.GetTransactionStatusAsync(Stream, txn));
        Assert.Null((await gw.Client.GetStreamInfoAsync(Stream)).Watermark);
    }
}
