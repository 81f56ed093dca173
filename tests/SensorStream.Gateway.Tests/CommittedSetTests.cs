using SensorStream.Gateway.Storage;

namespace SensorStream.Gateway.Tests;

/// <summary>
/// Committed transaction ids in flat memory: the store's sequential ids compact into ranges that split only where an id
/// never committed; other ids (random GUIDs of older data directories) are kept one by one.
/// </summary>
public sealed class CommittedSetTests
{
    [Fact]
    public void A_million_commits_in_a_row_are_one_range_and_each_missing_id_splits_one()
    {
        var ids = new SequentialTransactionIds(0x0123_4567_89ab_cdef);
        var set = new CommittedSet();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var skipped = new List<Guid>();
        for (var i = 1; i <= 1_000_000; i++)
        {
            var id = ids.Next();
            if (i % 100_000 == 0) skipped.Add(id); // aborted: never committed
            else Assert.True(set.Add(id));
        }
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Assert.Equal((999_990L, 10, 0), (set.Count, set.Ranges, set.Singles)); // the last id made was the 10th skipped one
        // Everything the set holds, plus the ids themselves made on the way: far below one byte per id.
        Assert.True(allocated < 64 * 1024, $"{allocated} bytes allocated for 1M committed ids");
        Assert.All(skipped, id => Assert.False(set.Contains(id)));
        var last = ids.Next();
        set.Add(last);
        Assert.True(set.Contains(JournalFrame.IdText(last))); // as clients send it

        // A late commit of a skipped id joins its neighbours again.
        foreach (var id in skipped) Assert.True(set.Add(id));
        Assert.Equal((1_000_001L, 1), (set.Count, set.Ranges));
        Assert.False(set.Add(skipped[0]));
    }

    [Fact]
    public void Out_of_order_commits_merge_and_other_ids_are_kept_one_by_one()
    {
        var ids = new SequentialTransactionIds(42);
        var made = Enumerable.Range(0, 10).Select(_ => ids.Next()).ToList();
        var set = new CommittedSet();
        foreach (var i in new[] { 5, 1, 3, 2, 9, 4 }) set.Add(made[i]);
        Assert.Equal(2, set.Ranges); // 1..5 and 9; 0 is not there
        Assert.Equal([false, true, true, true, true, true, false, false, false, true], made.Select(set.Contains));

        var random = Guid.NewGuid(); // version 4: not a sequential id
        Assert.False(SequentialTransactionIds.TrySplit(random, out _, out _));
        Assert.True(set.Add(random));
        Assert.Equal((7L, 1), (set.Count, set.Singles));
        Assert.True(set.Contains(random.ToString("N")));
        // Another opening's ids (another prefix) and text that is no id at all are not there.
        Assert.False(set.Contains(new SequentialTransactionIds(43).Next()));
        Assert.False(set.Contains("not-an-id"));
        // The ids look like any transaction id to clients: 32 hex digits, RFC 9562 version 8.
        Assert.Matches("^[0-9a-f]{12}8[0-9a-f]{3}[89ab][0-9a-f]{15}$", JournalFrame.IdText(made[0]));
    }
}
