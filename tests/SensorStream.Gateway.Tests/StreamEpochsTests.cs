using SensorStream.Gateway.Storage;
using SensorStream.Gateway.Transactions;

namespace SensorStream.Gateway.Tests;

/// <summary>The segment graph across epochs: numbers, ids, key ranges, predecessors, routing, and cut frontiers.</summary>
public sealed class StreamEpochsTests
{
    [Fact]
    public void Successors_cover_the_key_ranges_they_overlap_and_numbers_run_on_across_epochs()
    {
        // epoch 0: 2 segments by modulo (0,1); epoch 1: 3 ranges (2,3,4); epoch 2: 2 ranges (5,6).
        var epochs = new StreamEpochs([2, 3, 2]);
        Assert.Equal(7, epochs.Total);
        Assert.Equal(2, epochs.Current);
        Assert.Equal((1L << 32) | 3, epochs.SegmentId(3));
        Assert.Equal((2L << 32) | 6, epochs.SegmentId(6));
        Assert.True(epochs.IsSealed(4));
        Assert.False(epochs.IsSealed(5));
        // A modulo epoch spreads each segment over all keys: every epoch-1 segment follows both.
        Assert.Equal([0, 1], epochs.Predecessors(3));
        // [0,1/3) [1/3,2/3) [2/3,1) → [0,1/2) [1/2,1)
        Assert.Equal([2, 3], epochs.Predecessors(5));
        Assert.Equal([3, 4], epochs.Predecessors(6));
        Assert.Equal([5, 6], epochs.Successors(3));
        Assert.Equal((1.0 / 3, 2.0 / 3), epochs.KeyRange(3));

        // Range routing: the hash's place in [0, 2^32) picks the range.
        Assert.Equal(2, epochs.SegmentFor(0, 1));
        Assert.Equal(4, epochs.SegmentFor(uint.MaxValue, 1));
        Assert.Equal(5, epochs.SegmentFor(int.MaxValue, 2));
        Assert.Equal(6, epochs.SegmentFor(1u << 31, 2));
        Assert.Equal(1, epochs.SegmentFor(7, 0)); // epoch 0 keeps the modulo layout of streams created before scaling
    }

    [Fact]
    public void A_cut_names_one_segment_per_key_range_and_expands_back_to_the_same_position()
    {
        var epochs = new StreamEpochs([2, 3, 2]);
        long[] ends = [100, 200, 30, 40, 50, 7, 8];
        // Epoch 0 read to the end, segment 2 done, 3 partly, 4 not started; epoch 2 not reachable yet.
        long[] position = [100, 200, 30, 10, 0, 0, 0];
        var named = epochs.Frontier(position, ends);
        // 2 is complete but its successor 5 also needs 3: it stays named (at its end).
        Assert.Equal([2, 3, 4], named);
        Assert.Equal(position, epochs.Expand(named.ToDictionary(s => s, s => position[s]), ends));

        // The tail: every sealed segment complete, only the current epoch named.
        Assert.Equal([5, 6], epochs.Frontier(ends, ends));
        Assert.Equal(ends, epochs.Expand(new Dictionary<int, long> { [5] = 7, [6] = 8 }, ends));
        // The start: epoch 0 only.
        Assert.Equal([0, 1], epochs.Frontier(new long[7], ends));
    }

    [Fact]
    public void Predecessors_successors_readability_and_frontiers_match_their_definitions_on_random_layouts()
    {
        // The layout keeps runs, not sets: checked here against the definitions — key ranges overlap (a modulo epoch 0
        // with more than one segment overlaps everything), readable = every transitive predecessor read to its end,
        // named = readable and not (complete with every successor readable).
        var random = new Random(12);
        for (var round = 0; round < 200; round++)
        {
            var counts = Enumerable.Range(0, random.Next(1, 6)).Select(_ => random.Next(1, 9)).ToArray();
            var epochs = new StreamEpochs(counts);
            var ranges = Enumerable.Range(0, epochs.Total).Select(s => (Epoch: epochs.EpochOf(s), Range: epochs.KeyRange(s))).ToArray();
            var predecessors = Enumerable.Range(0, epochs.Total).Select(s => Enumerable.Range(0, epochs.Total)
                .Where(p => ranges[p].Epoch == ranges[s].Epoch - 1 && ranges[p].Range.Low < ranges[s].Range.High && ranges[s].Range.Low < ranges[p].Range.High).ToArray()).ToArray();
            var ancestors = new HashSet<int>[epochs.Total];
            for (var s = 0; s < epochs.Total; s++)
            {
                ancestors[s] = [.. predecessors[s]];
                foreach (var p in predecessors[s]) ancestors[s].UnionWith(ancestors[p]);
                Assert.Equal(predecessors[s], epochs.Predecessors(s));
                Assert.Equal(Enumerable.Range(0, epochs.Total).Where(t => predecessors[t].Contains(s)), epochs.Successors(s));
            }
            var ends = Enumerable.Range(0, epochs.Total).Select(_ => (long)random.Next(0, 3)).ToArray();
            for (var trial = 0; trial < 20; trial++)
            {
                var position = ends.Select(e => random.Next(3) == 0 ? 0 : e).ToArray();
                bool Readable(int s) => ancestors[s].All(a => position[a] >= ends[a]);
                var all = epochs.Readable(position, ends);
                for (var s = 0; s < epochs.Total; s++) Assert.Equal((Readable(s), Readable(s)), (epochs.IsReadable(s, position, ends), all[s]));
                var expected = Enumerable.Range(0, epochs.Total).Where(s => Readable(s) &&
                    !(epochs.IsSealed(s) && position[s] >= ends[s] && predecessors.Select((p, t) => (p, t)).Where(x => x.p.Contains(s)).All(x => Readable(x.t)))).ToList();
                var named = epochs.Frontier(position, ends);
                Assert.Equal(expected, named);
            }
        }
    }

    [Fact]
    public void A_transaction_commits_each_event_into_its_keys_segment_of_the_commit_epoch()
    {
        var epochs = new StreamEpochs([1, 4]);
        TransactionEventRef[] events = [new(0, 1, 0), new(0, 1, uint.MaxValue), new(0, 1, 1u << 31)];
        Assert.Equal([0, 0, 0], epochs.Place(events, 0));
        Assert.Equal([1, 4, 3], epochs.Place(events, 1));
        // An event journaled by an older gateway names its epoch-0 segment: only epoch 0 can take it.
        Assert.Equal([0], epochs.Place([new(0, 1, 0, FixedSegment: 0)], 0));
        Assert.Throws<InvalidDataException>(() => epochs.Place([new(0, 1, 0, FixedSegment: 0)], 1));
    }
}
