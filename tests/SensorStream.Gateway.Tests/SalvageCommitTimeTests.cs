using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.Gateway.Hosting;
using SensorStream.Gateway.Storage;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using static SensorStream.Gateway.Tests.JournalFilesTests; // Options

namespace SensorStream.Gateway.Tests;

/// <summary>
/// <c>gateway salvage</c> on a segment damaged in an event whose transaction's journal record is already deleted (a
/// checkpoint recorded its id in <c>committed.log</c> and removed the journal files): segment records carry no id, so
/// salvage ties the damaged bytes to transactions by commit time. Whatever it names lost is UNKNOWN with none of its
/// events in any segment; every other transaction is COMMITTED with all of its events (trial 12: transaction 43 stayed
/// COMMITTED with 7 of its 8 events).
/// </summary>
public sealed class SalvageCommitTimeTests
{
    private const int Segments = 3, KeysPerSegment = 3, Checkpointed = 10, AfterCheckpoint = 2, EventBytes = 300;

    /// <summary>Three keys per segment of a 3-segment stream.</summary>
    private static readonly string[] Keys = [.. Enumerable.Range(0, 200).Select(i => "key" + i)
        .GroupBy(k => SegmentRouter.SegmentOf(k, Segments)).OrderBy(g => g.Key).SelectMany(g => g.Take(KeysPerSegment))];

    /// <summary>Sequence of transaction <paramref name="t"/>'s event for key <paramref name="k"/> of segment <paramref name="s"/>.</summary>
    private static long Sequence(int t, int s, int k) => (t * Segments + s) * KeysPerSegment + k;

    private static string KeyOf(long sequence) => Keys[sequence % (Segments * KeysPerSegment)];

    private static byte[] Data(long sequence) => Events.Make(KeyOf(sequence), sequence, EventBytes).Data.ToArray();

    /// <summary>
    /// Writes <see cref="Checkpointed"/> transactions (3 events per segment they write to), checkpoints (their journal
    /// files go; the ids stay in committed.log), writes <see cref="AfterCheckpoint"/> more (only in the journal) and copies
    /// the directory as a crash leaves it. Commit times step by 1 ms per clock reading, so each round has its own.
    /// Returns the stream folder, the ids and each transaction's sequences.
    /// </summary>
    private static async Task<(string StreamDir, List<string> Ids, List<long[]> Sequences)> BuildAsync(string live, string copy, Func<int, int[]> segmentsOf)
    {
        long clock = 1_790_000_000_000;
        var ids = new List<string>();
        var sequences = new List<long[]>();
        var options = Options(live) with { Clock = () => Interlocked.Increment(ref clock) };
        await using (var store = GatewayStore.Open(options, NullLoggerFactory.Instance))
        {
            await store.CreateScopeAsync("d");
            await store.CreateStreamAsync("d", "s", new StreamConfig(Segments));
            var stream = store.Stream("d", "s");
            for (var t = 0; t < Checkpointed + AfterCheckpoint; t++)
            {
                long[] mine = [.. segmentsOf(t).SelectMany(s => Enumerable.Range(0, KeysPerSegment).Select(k => Sequence(t, s, k)))];
                var txn = stream.Begin(0).Id;
                await stream.AppendAsync(txn, [.. mine.Select(q => (KeyOf(q), (ReadOnlyMemory<byte>)Data(q)))], CancellationToken.None);
                await stream.CommitAsync(txn, CancellationToken.None);
                ids.Add(txn);
                sequences.Add(mine);
                if (t == Checkpointed - 1) await stream.CheckpointAsync(force: true);
            }
            DamageMatrixFixture.CopyTree(live, copy);
        }
        return (Path.Combine(copy, "scopes", "d", "s"), ids, sequences);
    }

    /// <summary>Ids of the transactions whose commit records the stream's journal files hold.</summary>
    private static HashSet<string> JournalCommits(string streamDir)
    {
        var ids = new HashSet<string>();
        foreach (var path in JournalFile.All(streamDir))
        {
            using var file = File.OpenHandle(path);
            JournalFileHeader.ScanAll(file, path, (_, _, payload) =>
            {
                if (JournalFrame.KindOf(payload) == JournalFrameKind.Commit)
                    foreach (var ct in JournalFrame.CommitOf(payload).Transactions) ids.Add(ct.TxnId);
            });
        }
        return ids;
    }

    /// <summary>Offset, size and sequence of every frame of segment <paramref name="s"/>.</summary>
    private static List<(long Offset, int Size, long Sequence)> Frames(string streamDir, int s)
    {
        var frames = new List<(long, int, long)>();
        using var file = File.OpenHandle(Path.Combine(streamDir, "segments", $"{s}.seg"));
        FrameScanner.Scan(file, 0, (offset, size, payload) => frames.Add((offset, size, Events.Parse(payload[SegmentRecord.TimestampSize..].ToArray()).Sequence)));
        return frames;
    }

    /// <summary>Every id salvage's report lists as a lost committed transaction of <paramref name="stream"/> (scope/stream), in report order.</summary>
    internal static List<string> LostIds(string report, string stream = "d/s") =>
    [
        .. report.Split('\n').Where(l => l.StartsWith($"{stream}: LOST ", StringComparison.Ordinal) && l.Contains("committed transaction(s)") && !l.Contains("LOST in all"))
            .SelectMany(l => l[(l.LastIndexOf(": ", StringComparison.Ordinal) + 2)..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)),
    ];

    /// <summary>
    /// Salvages, then checks the salvaged directory with verify and the real gateway over gRPC: the lost transactions
    /// (exactly <paramref name="lost"/>, named so by the report) answer UNKNOWN and none of their events is read from any
    /// segment; every other one answers COMMITTED and all its events read back byte for byte, each once.
    /// </summary>
    private static async Task<string> SalvageAndCheckAsync(string dir, List<string> ids, List<long[]> sequences, int[] lost)
    {
        using var salvaged = new TempDirectory();
        var report = new StringWriter();
        Assert.Equal(3, GatewayTools.Run(["salvage", dir, salvaged.Path], report, report));
        var output = report.ToString();
        Assert.Equal(lost.Select(t => ids[t]).Order(), LostIds(output).Order());
        Assert.DoesNotContain("committed.log:", output); // intact: its latest commit time bounds damage at a segment's end
        Assert.Contains($"LOST in all: {lost.Length} committed transaction(s) by id, 0 more id(s) without a record, 0 event(s) of unknown transactions, 0 open transaction(s)", output);
        var verify = new StringWriter();
        Assert.Equal(0, GatewayTools.Run(["verify", salvaged.Path], verify, verify));

        await using var gw = await TestGateway.StartAsync(dataDir: salvaged.Path);
        var name = new StreamName("d", "s");
        var read = await gw.Client.ReadEventsAsync(name, null, (await gw.Client.GetStreamInfoAsync(name)).Tail).Select(e => e.Data.ToArray()).ToListAsync();
        var expected = sequences.Where((_, t) => !lost.Contains(t)).SelectMany(q => q).Order().ToList();
        Assert.Equal(expected, read.Select(d => Events.Parse(d).Sequence).Order());
        Assert.All(read, d => Assert.Equal(Data(Events.Parse(d).Sequence), d));
        for (var t = 0; t < ids.Count; t++)
            Assert.Equal(lost.Contains(t) ? TransactionState.Unknown : TransactionState.Committed, await gw.Client.GetTransactionStatusAsync(name, ids[t]));
        return output;
    }

    [Fact]
    public async Task Commit_times_never_decrease_when_the_clock_steps_back_also_across_a_restart()
    {
        // What salvage's bound rests on: each segment's events are in commit order, so their times must be too.
        using var dir = new TempDirectory();
        long clock = 1_790_000_005_000;
        var options = Options(dir.Path) with { Clock = () => Volatile.Read(ref clock) };
        async Task<List<long>> CommitAndReadTimes(GatewayStore store, int sequence)
        {
            var stream = store.Stream("d", "s");
            var txn = stream.Begin(0).Id;
            await stream.AppendAsync(txn, JournalFilesTests.Batch("k", sequence, 1), CancellationToken.None);
            await stream.CommitAsync(txn, CancellationToken.None);
            var records = new List<SegmentRecord>();
            for (var at = 0L; at < stream.Segments[0].End;) at = stream.Segments[0].ReadRecords(at, stream.Segments[0].End, 1 << 20, records);
            return [.. records.Select(r => r.TimestampMs)];
        }
        await using (var store = GatewayStore.Open(options, NullLoggerFactory.Instance))
        {
            await store.CreateScopeAsync("d");
            await store.CreateStreamAsync("d", "s", new StreamConfig(1));
            Assert.Equal([1_790_000_005_000], await CommitAndReadTimes(store, 0));
            Volatile.Write(ref clock, 1_790_000_001_000); // the clock steps back 4 s
            Assert.Equal([1_790_000_005_000, 1_790_000_005_000], await CommitAndReadTimes(store, 1));
        }
        Volatile.Write(ref clock, 1_790_000_000_000); // and further while the gateway is down
        await using (var store = GatewayStore.Open(options, NullLoggerFactory.Instance))
            Assert.Equal([1_790_000_005_000, 1_790_000_005_000, 1_790_000_005_000], await CommitAndReadTimes(store, 2));
        Volatile.Write(ref clock, 1_790_000_006_000); // forward again: the clock's time
        await using (var store = GatewayStore.Open(options, NullLoggerFactory.Instance))
            Assert.Equal(1_790_000_006_000, (await CommitAndReadTimes(store, 3))[^1]);
    }

    [Fact]
    public async Task A_damaged_event_of_a_checkpointed_transaction_loses_that_transaction_whole_in_every_segment()
    {
        // Every transaction writes 3 events to each of the 3 segments; transaction 3's middle event in segment 1 is
        // damaged. Its neighbours in the segment are its own events, so the damaged bytes hold only its commit time.
        const int Damaged = 3, DamagedSegment = 1;
        using var live = new TempDirectory();
        using var dir = new TempDirectory();
        var (streamDir, ids, sequences) = await BuildAsync(live.Path, dir.Path, _ => [0, 1, 2]);
        Assert.DoesNotContain(ids[Damaged], JournalCommits(streamDir)); // only committed.log knows it
        var frame = Frames(streamDir, DamagedSegment).Single(f => f.Sequence == Sequence(Damaged, DamagedSegment, 1));
        DamageTests.Flip(Path.Combine(streamDir, "segments", $"{DamagedSegment}.seg"), frame.Offset + frame.Size - 3);

        var output = await SalvageAndCheckAsync(dir.Path, ids, sequences, [Damaged]);
        Assert.Contains($"segment {DamagedSegment}: damaged byte range {frame.Offset}..{frame.Offset + frame.Size} holds events no surviving journal record names", output);
    }

    [Fact]
    public async Task A_damaged_last_event_of_a_segment_loses_every_transaction_committed_from_its_own_up_to_the_checkpoint()
    {
        // Segment 2 ends with transaction 5's events; later transactions write to segments 0 and 1 only. The damaged
        // last event has no intact event after it, so its commit time is bounded only by the checkpoint: transactions 5
        // to 9 (checkpointed) are lost, 10 and 11 (committed after the checkpoint, in the journal) stay.
        const int Damaged = 5, DamagedSegment = 2;
        using var live = new TempDirectory();
        using var dir = new TempDirectory();
        var (streamDir, ids, sequences) = await BuildAsync(live.Path, dir.Path, t => t <= Damaged ? [0, 1, 2] : [0, 1]);
        Assert.DoesNotContain(ids[Damaged], JournalCommits(streamDir));
        var frame = Frames(streamDir, DamagedSegment)[^1];
        Assert.Equal(Sequence(Damaged, DamagedSegment, KeysPerSegment - 1), frame.Sequence);
        DamageTests.Flip(Path.Combine(streamDir, "segments", $"{DamagedSegment}.seg"), frame.Offset + frame.Size - 3);

        await SalvageAndCheckAsync(dir.Path, ids, sequences, [.. Enumerable.Range(Damaged, Checkpointed - Damaged)]);
    }
}
