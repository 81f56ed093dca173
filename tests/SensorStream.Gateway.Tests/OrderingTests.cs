using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;

namespace SensorStream.Gateway.Tests;

/// <summary>Order per routing key holds with many concurrent transactional writers over several segments.</summary>
public sealed class OrderingTests
{
    [Fact]
    public async Task Concurrent_writers_keep_per_key_order_and_nothing_is_lost_or_duplicated()
    {
        const int writers = 8, txnsPerWriter = 25, eventsPerTxn = 8;
        await using var gw = await TestGateway.StartAsync();
        var stream = new StreamName("order", "s");
        await gw.Client.EnsureStreamAsync(stream, segments: 4);

        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var key = "sensor-" + w;
            long sequence = 0;
            for (var t = 0; t < txnsPerWriter; t++)
            {
                var txn = await gw.Client.BeginTransactionAsync(stream, TimeSpan.FromMinutes(1));
                var batch = Enumerable.Range(0, eventsPerTxn).Select(_ => Events.Make(key, sequence++, 200)).ToList();
                await gw.Client.WriteTransactionEventsAsync(stream, txn, batch);
                Assert.Equal(TransactionState.Committed, await gw.Client.CommitTransactionAsync(stream, txn));
            }
        })));

        var read = (await gw.Client.ReadRangeAsync(stream).ToListAsync()).Select(e => Events.Parse(e.Data)).ToList();
        Assert.Equal(writers * txnsPerWriter * eventsPerTxn, read.Count);
        foreach (var group in read.GroupBy(e => e.Key))
            Assert.Equal(Enumerable.Range(0, txnsPerWriter * eventsPerTxn).Select(i => (long)i), group.Select(e => e.Sequence));
        Assert.Equal(writers, read.Select(e => e.Key).Distinct().Count());
    }
}
