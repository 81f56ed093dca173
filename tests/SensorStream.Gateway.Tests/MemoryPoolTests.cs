using SensorStream.Gateway.Hosting;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;

namespace SensorStream.Gateway.Tests;

/// <summary>
/// Kestrel receives through the gateway's <see cref="LargeBlockMemoryPool"/> (64 KiB blocks instead of 4 KiB: fewer
/// receive calls per write request), the pool keeps at most its cap of returned blocks, and requests both smaller and
/// larger than a block arrive byte for byte.
/// </summary>
public sealed class MemoryPoolTests
{
    private static readonly StreamName Stream = new("pool", "s");

    [Fact]
    public void Returned_blocks_are_reused_up_to_the_cap_and_a_rent_over_a_block_gets_its_own_array()
    {
        using var pool = new LargeBlockMemoryPool(blockBytes: 1024, maxPooledBlocks: 2);
        var blocks = Enumerable.Range(0, 3).Select(_ => pool.Rent(100)).ToList();
        Assert.All(blocks, b => Assert.Equal(1024, b.Memory.Length));
        blocks.ForEach(b => b.Dispose());
        blocks[0].Dispose(); // a second dispose gives nothing back twice
        Assert.Equal((3L, 2), (pool.Created, pool.Pooled));
        using (var reused = pool.Rent())
            Assert.Equal((3L, 1, 1024), (pool.Created, pool.Pooled, reused.Memory.Length));
        using (var large = pool.Rent(5000))
            Assert.Equal((4L, 5000), (pool.Created, large.Memory.Length));
        Assert.Equal(2, pool.Pooled); // the large array is not kept
    }

    [Fact]
    public async Task Kestrel_receives_through_the_pool_and_writes_of_small_and_block_crossing_events_read_back_exactly()
    {
        await using var gw = await TestGateway.StartAsync();
        var pool = gw.Server.MemoryPool;
        Assert.Equal(LargeBlockMemoryPool.DefaultBlockBytes, pool.BlockBytes);
        await gw.Client.EnsureStreamAsync(Stream);
        Assert.True(pool.Created > 0, "Kestrel rented no block from the gateway's pool");
        var random = new Random(7);
        var events = new[] { 1, 1024, 65_535, 65_536, 200_000, 3 }.Select(size =>
        {
            var bytes = new byte[size];
            random.NextBytes(bytes);
            return new OutgoingEvent("k", bytes);
        }).ToList();
        var txn = await gw.Client.BeginTransactionAsync(Stream, TimeSpan.FromMinutes(1));
        Assert.Equal(events.Count, await gw.Client.WriteTransactionEventsAsync(Stream, txn, events));
        Assert.Equal(TransactionState.Committed, await gw.Client.CommitTransactionAsync(Stream, txn));
        var read = await gw.Client.ReadRangeAsync(Stream).ToListAsync();
        Assert.Equal(events.Select(e => Convert.ToHexString(e.Data.Span)), read.Select(e => Convert.ToHexString(e.Data.Span)));
        Assert.InRange(pool.Pooled, 0, pool.MaxPooledBlocks);
    }
}
