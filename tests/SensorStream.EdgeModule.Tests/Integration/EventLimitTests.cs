using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.EdgeModule.Queue;
using SensorStream.EdgeModule.Tests.Support;
using SensorStream.Streams.Client;
using SensorStream.Streams.Events;
using SensorStream.Streams.Naming;
using SensorStream.Testing;

namespace SensorStream.EdgeModule.Tests.Integration;

/// <summary>
/// The event size limit end to end (issue #14): the collector's limit is Pravega's 8 MiB, the gateway's default. An event
/// of exactly the limit goes from the queue into a real gateway byte for byte; one byte more is refused before it is
/// queued. A gateway started with a smaller limit refuses the collector's larger event with one clear error line, and
/// the event stays queued (nothing lost, nothing skipped).
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class EventLimitTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private const string Sensor = "big";

    [Fact]
    public async Task An_event_of_exactly_8_MiB_ships_and_one_byte_more_is_refused_before_the_queue()
    {
        using var dir = new TempDirectory();
        var db = dir.File("queue.db");
        var exact = OfExactly(SampleBatchJson.MaxEventBytes, first: 0);
        using (var queue = EventQueue.Open(db, new QueueOptions { BatchSetting = "--batch" }, NullLogger.Instance))
        {
            queue.Enqueue(exact);
            var refused = Assert.Throws<ArgumentException>(() => queue.Enqueue(OfExactly(SampleBatchJson.MaxEventBytes + 1, first: 1)));
            Assert.Equal($"event of {Sensor} at sequence 1 is 8388609 bytes, over the 8388608-byte limit: lower --batch", refused.Message);
            Assert.Equal((1, 8_388_608), (queue.Stats().Events, queue.Stats().Bytes));
        }

        await using var gateway = await GatewayProcess.StartAsync(dir.File("gateway"));
        var stream = new StreamName("edge", "limit-8mib");
        await using (var collector = new Collector(InProcessCollector.Settings(gateway.Endpoint, stream.Stream, db), new TestLogger()))
        {
            await collector.StartAsync();
            Assert.True((await collector.FlushAsync(Timeout)).Drained, "queue drained");
            await collector.StopAsync();
        }

        var shipped = await EventsOf(gateway.Endpoint, stream);
        var only = Assert.Single(shipped);
        Assert.Equal(8_388_608, only.Length);
        Assert.Equal(SampleBatchJson.Serialize(exact), only);
    }

    [Theory]
    [InlineData(GatewayModes.Extended)]
    [InlineData(GatewayModes.Public)]
    public async Task A_gateway_with_a_smaller_limit_gets_its_limit_and_no_more_and_the_collector_says_what_to_change(string mode)
    {
        const int gatewayLimit = 1_048_576;
        using var dir = new TempDirectory();
        var db = dir.File("queue.db");
        var under = OfExactly(gatewayLimit, first: 0);
        using (var queue = EventQueue.Open(db, new QueueOptions(), NullLogger.Instance))
        {
            queue.Enqueue(under);
            queue.Enqueue(OfExactly(gatewayLimit + 1, first: 1));
        }

        var args = new List<string> { "--max-event-bytes", gatewayLimit.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (mode == GatewayModes.Public) args.AddRange(["--protocol", "public"]);
        await using var gateway = await GatewayProcess.StartAsync(dir.File("gateway"), args);
        var stream = new StreamName("edge", "limit-smaller-" + mode);
        var log = new TestLogger();
        // One event per transaction: the event that fits commits on its own before the one that does not.
        var settings = InProcessCollector.Settings(gateway.Endpoint, stream.Stream, db) with { TxnMaxEvents = 1, ShutdownTimeout = TimeSpan.FromMilliseconds(500) };
        await using (var collector = new Collector(settings, log))
        {
            await collector.StartAsync();
            await Poll.UntilAsync(() => log.Lines.Any(l => l.Contains("1048577 bytes, more than the limit of 1048576")), Timeout,
                "the collector's error line about the refused event");
            await collector.StopAsync();
        }

        var line = log.Lines.First(l => l.Contains("more than the limit of 1048576"));
        Assert.Contains("the gateway's event limit is below the collector's (8388608 bytes, Pravega's 8 MiB): " +
                        "start the gateway with --max-event-bytes 8388608, or lower --batch so events fit its limit; the events stay queued", line);
        var shipped = await EventsOf(gateway.Endpoint, stream);
        Assert.Equal(SampleBatchJson.Serialize(under), Assert.Single(shipped));
        using var after = EventQueue.Open(db, new QueueOptions(), NullLogger.Instance);
        var head = Assert.Single(after.ReadAfter(0, 1, long.MaxValue));
        Assert.Equal((Sensor, 1L, gatewayLimit + 1), (head.RoutingKey, head.FirstSequence, head.Data.Length));
    }

    /// <summary>A one-sample event of <see cref="Sensor"/> whose JSON form is exactly <paramref name="bytes"/> long (a padding scalar).</summary>
    private static SampleBatch OfExactly(int bytes, long first)
    {
        SampleBatch Make(int pad) => new SampleBatch(Sensor, first, [1_764_000_000_000_000_000L + first]).WithScalar("Pad", new string('x', pad));
        var batch = Make(bytes - SampleBatchJson.Serialize(Make(0)).Length);
        Assert.Equal(bytes, SampleBatchJson.Serialize(batch).Length);
        return batch;
    }

    /// <summary>The bytes of every event of <see cref="Sensor"/> in the stream, in stream order.</summary>
    private static async Task<List<byte[]>> EventsOf(Uri gateway, StreamName stream)
    {
        using var client = new GatewayClient(new GatewayClientOptions { Endpoint = gateway });
        var events = new List<byte[]>();
        await foreach (var e in client.ReadRangeAsync(stream))
            if (SampleBatchJson.Deserialize(e.Data.Span).SensorId == Sensor) events.Add(e.Data.ToArray());
        return events;
    }
}
