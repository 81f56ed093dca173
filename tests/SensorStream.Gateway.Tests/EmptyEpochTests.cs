using Grpc.Core;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Streams.Protocol;

namespace SensorStream.Gateway.Tests;

/// <summary>
/// Epochs no event was written in (two scales in a row, or an idle auto-scale-down): a sealed empty segment does not
/// count as read while its predecessors are unread (Pravega: a successor is read only after all its predecessors).
/// For every cut — head, tail, after each event — reading from it yields exactly the events after it, each key in
/// order; head→tail and BatchReadEvents read everything; truncating at the head cut removes nothing.
/// </summary>
public sealed class EmptyEpochTests
{
    [Fact]
    public async Task Two_scales_without_a_write_between_keep_every_cut_and_the_head_exact()
    {
        await using var gw = await TestGateway.StartAsync();
        var stream = new StreamName("epochs", "repro");
        await gw.Client.EnsureStreamAsync(stream, segments: 1);
        var sequences = new Dictionary<string, long>();
        await WriteAsync(gw, stream, sequences, 10, new Random(1));
        Assert.True(await gw.Client.ScaleStreamAsync(stream, 2));
        await WriteAsync(gw, stream, sequences, 10, new Random(2));
        Assert.True(await gw.Client.ScaleStreamAsync(stream, 3));
        Assert.True(await gw.Client.ScaleStreamAsync(stream, 1));
        await AssertEveryCutExactAsync(gw, stream, sequences);
    }

    [Fact]
    public async Task Random_scale_sequences_with_empty_and_non_empty_epochs_keep_every_cut_exact()
    {
        await using var gw = await TestGateway.StartAsync();
        for (var seed = 0; seed < 6; seed++)
        {
            var random = new Random(seed);
            var stream = new StreamName("epochs", "random" + seed);
            await gw.Client.EnsureStreamAsync(stream, segments: random.Next(1, 4));
            var sequences = new Dictionary<string, long>();
            for (var step = 0; step < 7; step++)
            {
                // Scales twice as often as it writes, so empty epochs (and runs of them) are common.
                if (random.Next(3) == 0) await WriteAsync(gw, stream, sequences, random.Next(1, 9), random);
                else Assert.True(await gw.Client.ScaleStreamAsync(stream, random.Next(1, 5)));
            }
            await AssertEveryCutExactAsync(gw, stream, sequences);
        }
    }

    private static async Task WriteAsync(TestGateway gw, StreamName stream, Dictionary<string, long> sequences, int count, Random random)
    {
        var events = new List<OutgoingEvent>();
        for (var i = 0; i < count; i++)
        {
            var key = "k" + random.Next(6);
            var sequence = sequences.GetValueOrDefault(key);
            sequences[key] = sequence + 1;
            events.Add(Events.Make(key, sequence, 32));
        }
        await gw.Client.WriteEventsAsync(stream, events);
    }

    private static async Task AssertEveryCutExactAsync(TestGateway gw, StreamName stream, IReadOnlyDictionary<string, long> written)
    {
        var total = (int)written.Values.Sum();
        var all = await gw.Client.ReadEventsAsync(stream, null, (await gw.Client.GetStreamInfoAsync(stream)).Tail).ToListAsync();
        AssertKeysInOrder(all, written.ToDictionary(kv => kv.Key, _ => 0L), total);

        var info = await gw.Client.GetStreamInfoAsync(stream);
        var headToTail = await gw.Client.ReadEventsAsync(stream, info.Head, info.Tail).ToListAsync();
        AssertSameEvents(all, headToTail, $"{stream}: head {info.Head.Text} to tail");
        Assert.Empty(await gw.Client.ReadRangeAsync(stream, info.Tail).ToListAsync());

        using (var batch = gw.Client.Raw.BatchReadEvents(new BatchReadEventsRequest { Scope = stream.Scope, Stream = stream.Stream }))
            Assert.Equal(total, await batch.ResponseStream.ReadAllAsync().CountAsync());

        // After each event: exactly the events after it, each key continuing from where the cut left it.
        for (var k = 0; k < all.Count; k++)
        {
            var rest = await gw.Client.ReadRangeAsync(stream, new StreamCut { Text = all[k].CutAfter.Text }).ToListAsync();
            AssertSameEvents(all.Skip(k + 1).ToList(), rest, $"{stream}: after event {k}");
            var next = new Dictionary<string, long>();
            foreach (var e in all.Take(k + 1))
            {
                var (key, sequence) = Events.Parse(e.Data);
                next[key] = sequence + 1;
            }
            AssertKeysInOrder(rest, next, all.Count - k - 1);
        }

        // Truncating at the stream's own head cut removes nothing.
        Assert.True(await gw.Client.TruncateStreamAsync(stream, info.Head));
        AssertSameEvents(all, await gw.Client.ReadRangeAsync(stream).ToListAsync(), $"{stream}: after truncating at the head");
    }

    private static void AssertSameEvents(IReadOnlyList<StreamEvent> expected, IReadOnlyList<StreamEvent> actual, string what) =>
        Assert.True(expected.Select(e => Events.Text(e.Data)).Order().SequenceEqual(actual.Select(e => Events.Text(e.Data)).Order()),
            $"{what}: expected {expected.Count} events, read {actual.Count}");

    /// <summary>Each key's sequences run on from <paramref name="next"/> without a gap or repeat; <paramref name="count"/> events in all.</summary>
    private static void AssertKeysInOrder(IReadOnlyList<StreamEvent> read, Dictionary<string, long> next, int count)
    {
        foreach (var e in read)
        {
            var (key, sequence) = Events.Parse(e.Data);
            Assert.True(sequence == next.GetValueOrDefault(key), $"key {key}: {sequence} read where {next.GetValueOrDefault(key)} was next");
            next[key] = sequence + 1;
        }
        Assert.Equal(count, read.Count);
    }
}
