using SensorStream.Gateway.Storage;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Testing;

namespace SensorStream.Gateway.Tests;

/// <summary>
/// kill -9, then a journal cut in the middle of its last record (what a crash during that write leaves): the torn tail
/// is cut at start-up and no part of an unfinished transaction becomes visible.
/// </summary>
public sealed class JournalCrashTests
{
    private static readonly StreamName Stream = new("jc", "s");

    private static async Task<string> CommittedAsync(GatewayClient client, int from, int count)
    {
        var txn = await client.BeginTransactionAsync(Stream, TimeSpan.FromMinutes(5));
        await client.WriteTransactionEventsAsync(Stream, txn, Enumerable.Range(from, count).Select(i => Events.Make("k" + i % 3, i, 200)));
        Assert.Equal(TransactionState.Committed, await client.CommitTransactionAsync(Stream, txn));
        return txn;
    }

    private static async Task<List<long>> SequencesAsync(GatewayClient client) =>
        [.. (await client.ReadRangeAsync(Stream).ToListAsync()).Select(e => Events.Parse(e.Data).Sequence).Order()];

    [Fact]
    public async Task Commit_record_torn_by_a_crash_leaves_its_transaction_open_and_invisible()
    {
        using var dir = new TempDirectory();
        // No checkpoint: every commit must come back from the journal alone.
        await using var first = await GatewayProcess.StartAsync(dir.Path, ["--checkpoint-interval-ms", "3600000"]);
        string kept, torn, tailBefore;
        long[] segmentLengths;
        var streamDir = Path.Combine(dir.Path, "scopes", "jc", "s");
        using (var client = new GatewayClient(first.Endpoint.ToString()))
        {
            await client.EnsureStreamAsync(Stream, segments: 2);
            kept = await CommittedAsync(client, 0, 10);
            tailBefore = (await client.GetStreamInfoAsync(Stream)).Tail.Text;
            segmentLengths = [.. Enumerable.Range(0, 2).Select(s => new FileInfo(Path.Combine(streamDir, "segments", $"{s}.seg")).Length)];
            torn = await CommittedAsync(client, 10, 5);
        }
        first.Kill();
        // A crash while the commit record was written happens before its merge: the segments end where the first
        // transaction left them (merges only follow a durable commit, and recovery refuses segment bytes none explains).
        for (var s = 0; s < segmentLengths.Length; s++)
            using (var segment = new FileStream(Path.Combine(streamDir, "segments", $"{s}.seg"), FileMode.Open)) segment.SetLength(segmentLengths[s]);
        var journal = JournalFile.Newest(streamDir);
        var (frameStart, kind) = JournalFile.TearLastFrame(journal);
        Assert.Equal(2, kind); // the last record was the second commit's decision

        await using var second = await first.RestartAsync();
        using var after = new GatewayClient(second.Endpoint.ToString());
        Assert.Equal(frameStart, new FileInfo(journal).Length); // the torn tail is gone
        Assert.Equal(TransactionState.Committed, await after.GetTransactionStatusAsync(Stream, kept));
        Assert.Equal(TransactionState.Open, await after.GetTransactionStatusAsync(Stream, torn)); // its writes were acknowledged
        Assert.Equal(tailBefore, (await after.GetStreamInfoAsync(Stream)).Tail.Text);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), await SequencesAsync(after));

        // The collector's recovery commits it again: all of it, once.
        Assert.Equal(TransactionState.Committed, await after.CommitTransactionAsync(Stream, torn));
        Assert.Equal(Enumerable.Range(0, 15).Select(i => (long)i), await SequencesAsync(after));
    }

    [Fact]
    public async Task Data_record_torn_by_a_crash_is_cut_and_nothing_of_its_transaction_shows()
    {
        using var dir = new TempDirectory();
        await using var first = await GatewayProcess.StartAsync(dir.Path, ["--checkpoint-interval-ms", "3600000"]);
        string open;
        using (var client = new GatewayClient(first.Endpoint.ToString()))
        {
            await client.EnsureStreamAsync(Stream, segments: 2);
            await CommittedAsync(client, 0, 10);
            open = await client.BeginTransactionAsync(Stream, TimeSpan.FromMinutes(5));
            await client.WriteTransactionEventsAsync(Stream, open, Enumerable.Range(100, 3).Select(i => Events.Make("k1", i, 200)));
            await client.WriteTransactionEventsAsync(Stream, open, Enumerable.Range(103, 2).Select(i => Events.Make("k1", i, 200)));
        }
        first.Kill();
        var streamDir = Path.Combine(dir.Path, "scopes", "jc", "s");
        var journal = JournalFile.Newest(streamDir);
        var (frameStart, kind) = JournalFile.TearLastFrame(journal);
        Assert.Equal((byte)JournalFrameKind.KeyedBatch, kind); // the open transaction's last write (one frame per write)

        await using var second = await first.RestartAsync();
        using var after = new GatewayClient(second.Endpoint.ToString());
        Assert.Equal(frameStart, new FileInfo(journal).Length);
        Assert.Equal(TransactionState.Open, await after.GetTransactionStatusAsync(Stream, open));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), await SequencesAsync(after));

        // New transactions carry on after the cut; the open one holds its intact first write (frames are per write).
        await CommittedAsync(after, 10, 5);
        Assert.Equal(TransactionState.Committed, await after.CommitTransactionAsync(Stream, open));
        Assert.Equal(Enumerable.Range(0, 15).Concat(Enumerable.Range(100, 3)).Select(i => (long)i), await SequencesAsync(after));
    }
}
