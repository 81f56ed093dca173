using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.Gateway.Hosting;
using SensorStream.Gateway.Storage;
using SensorStream.Streams.Protocol;
using static SensorStream.Gateway.Tests.JournalFilesTests; // Options, Sequences

namespace SensorStream.Gateway.Tests;

/// <summary>
/// A damaged segment keeps serving what is before the damage and answers DATA_LOSS naming file and offset beyond it;
/// <c>gateway verify</c> finds the damage, <c>gateway salvage</c> copies everything intact and says what was lost.
/// </summary>
public sealed class ToolTests
{
    /// <summary>Flips a byte in the payload of the middle event of segment 0; returns the segment file, that event's offset and its sequence.</summary>
    private static (string Segment, long Offset, long Sequence) DamageMiddleEvent(string streamDir)
    {
        var segment = Path.Combine(streamDir, "segments", "0.seg");
        var head = JsonSerializer.Deserialize<long[]>(File.ReadAllText(Path.Combine(streamDir, "head.json")))![0];
        var frames = new List<(long Offset, int Size, long Sequence)>();
        using (var file = File.OpenHandle(segment))
            FrameScanner.Scan(file, head, (offset, size, payload) => frames.Add((offset, size, Events.Parse(payload[SegmentRecord.TimestampSize..].ToArray()).Sequence)));
        var (at, length, sequence) = frames[frames.Count / 2];
        DamageTests.Flip(segment, at + length - 3);
        return (segment, at, sequence);
    }

    private static (int Code, string Output) Run(params string[] args)
    {
        var output = new StringWriter();
        var code = GatewayTools.Run(args, output, output);
        return (code, output.ToString());
    }

    [Fact]
    public async Task Reads_serve_every_event_before_a_damaged_one_then_answer_data_loss_naming_file_and_offset()
    {
        using var dir = new TempDirectory();
        var (streamDir, sequences, _) = await DamageTests.BuildAsync(dir.Path);
        var (segment, offset, _) = DamageMiddleEvent(streamDir);
        await using var gw = await TestGateway.StartAsync(dataDir: dir.Path);
        using var call = gw.Client.Raw.ReadEvents(new ReadEventsRequest { Scope = "d", Stream = "s" });
        var received = 0;
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None)) received++;
        });
        Assert.Equal(StatusCode.DataLoss, error.StatusCode);
        Assert.Contains($"segment file {segment} is damaged at byte {offset}", error.Status.Detail);
        Assert.InRange(received, 1, sequences.Count - 1); // everything before the damage, nothing from it on in segment 0
    }

    [Fact]
    public async Task Verify_reports_damage_with_offsets_and_salvage_copies_everything_intact_reporting_the_loss()
    {
        using var dir = new TempDirectory();
        var (streamDir, sequences, committed) = await DamageTests.BuildAsync(dir.Path);
        Assert.Equal((0, "ok: 1 stream(s) intact"), (Run("verify", dir.Path).Code, Run("verify", dir.Path).Output.Trim()));

        var (segment, offset, damaged) = DamageMiddleEvent(streamDir);
        var (code, output) = Run("verify", dir.Path);
        Assert.Equal(3, code);
        Assert.Contains($"DAMAGED {segment} at byte {offset}:", output);

        using var target = new TempDirectory();
        (code, output) = Run("salvage", dir.Path, target.Path);
        Assert.Equal(3, code);
        Assert.Contains($"segment 0: events at", output);
        Assert.Contains($"LOST byte range(s) {offset}..", output);
        Assert.Contains("WITH LOSSES", output);
        Assert.Equal(0, Run("verify", target.Path).Code);

        // Transaction t wrote sequences t*4..t*4+3 (the first event was released by truncation). Its commit record is
        // gone from the journal, so salvage ties the damaged event to transactions by commit time (the wall clock here:
        // transactions committed in the same millisecond go with it). Whatever the report lists is UNKNOWN with none of
        // its events; every other transaction is COMMITTED with all of them.
        var lost = SalvageCommitTimeTests.LostIds(output);
        Assert.Contains(committed[(int)(damaged / 4)], lost);
        await using var store = GatewayStore.Open(Options(target.Path), NullLoggerFactory.Instance);
        var stream = store.Stream("d", "s");
        var salvaged = Sequences(stream);
        Assert.Equal(sequences.Where(q => !lost.Contains(committed[(int)(q / 4)])), salvaged);
        for (var t = 0; t < committed.Count; t++)
            Assert.Equal(lost.Contains(committed[t]) ? null : Transactions.TransactionPhase.Committed, stream.Status(committed[t]));
    }

    [Fact]
    public async Task Salvage_after_segment_damage_before_the_checkpoint_keeps_the_journal_commits_after_it_committed_and_each_event_once()
    {
        // Commits after the checkpoint only in the journal (copied while the gateway ran, as a crash leaves it); one
        // checkpointed event damaged. Transaction t wrote sequences t*4..t*4+3. (Trial 9 c: the 9 journal commits after
        // the damage were reported lost, so they answered UNKNOWN, while their events were appended: duplicates.)
        // Transaction 1's commit record is gone from the journal: salvage ties the damaged event to it by commit time
        // (a clock stepping 1 ms per reading gives each round its own), so it is lost whole (trial 12: it stayed
        // COMMITTED with 3 of its 4 events).
        using var live = new TempDirectory();
        using var dir = new TempDirectory();
        var committed = new List<string>();
        long clock = 1_790_000_000_000;
        await using (var store = GatewayStore.Open(Options(live.Path) with { Clock = () => Interlocked.Increment(ref clock) }, NullLoggerFactory.Instance))
        {
            await store.CreateScopeAsync("d");
            await store.CreateStreamAsync("d", "s", new StreamConfig(1));
            var stream = store.Stream("d", "s");
            for (var t = 0; t < 12; t++)
            {
                var txn = stream.Begin(0).Id;
                await stream.AppendAsync(txn, Batch("k", t * 4, 4), CancellationToken.None);
                await stream.CommitAsync(txn, CancellationToken.None);
                committed.Add(txn);
                if (t == 2) await stream.CheckpointAsync(force: true);
            }
            DamageMatrixFixture.CopyTree(live.Path, dir.Path);
        }
        var streamDir = Path.Combine(dir.Path, "scopes", "d", "s");
        var frames = new List<(long Offset, int Size)>();
        var segment = Path.Combine(streamDir, "segments", "0.seg");
        using (var file = File.OpenHandle(segment))
            FrameScanner.Scan(file, 0, (offset, size, _) => frames.Add((offset, size)));
        Assert.Equal(48, frames.Count);
        var (at, length) = frames[5]; // transaction 1's second event (checkpointed; its id is in committed.log)
        DamageTests.Flip(segment, at + length - 3);

        using var target = new TempDirectory();
        var (code, output) = Run("salvage", dir.Path, target.Path);
        Assert.Equal(3, code);
        var first = frames[4].Offset; // transaction 1's first event: the offsets up to it carry over
        Assert.Contains($"segment 0: events at 0..{first} kept at their offsets; LOST byte range(s) {at}..{at + length}; 40 intact event(s) after {first} appended at {first}..", output);
        Assert.Contains("; 3 intact event(s) of committed transactions listed lost below not carried over", output);
        Assert.Equal([committed[1]], SalvageCommitTimeTests.LostIds(output));
        Assert.Contains("LOST in all: 1 committed transaction(s) by id, 0 more id(s) without a record, 0 event(s) of unknown transactions, 0 open transaction(s)", output);
        Assert.Equal(0, Run("verify", target.Path).Code);

        await using (var store = GatewayStore.Open(Options(target.Path), NullLoggerFactory.Instance))
        {
            var stream = store.Stream("d", "s");
            Assert.Equal(Enumerable.Range(0, 48).Where(i => i / 4 != 1).Select(i => (long)i), Sequences(stream)); // each once
            for (var t = 0; t < committed.Count; t++)
                Assert.Equal(t == 1 ? null : Transactions.TransactionPhase.Committed, stream.Status(committed[t]));
        }
    }

    [Fact]
    public async Task Salvage_drops_every_event_of_a_transaction_lost_in_a_damaged_segment_from_the_undamaged_segments_too()
    {
        // Three segments; each transaction writes one event per key, two keys per segment. One byte of a checkpointed
        // event of transaction 9 (whose commit record the journal still holds) in segment 1 is flipped: transaction 9
        // is lost, so none of its events may stay in segments 0 and 2 (a writer rewrites it; kept events would be
        // duplicates). Transaction t wrote sequences t*6..t*6+5. (Before: its other 5 events stayed and it answered
        // COMMITTED from committed.log; a transaction only in the journal answered UNKNOWN with its events kept.)
        const int Keys = 6, Transactions = 14, Damaged = 9;
        string[] keys = [.. Enumerable.Range(0, 100).Select(i => "key" + i).GroupBy(k => SegmentRouter.SegmentOf(k, 3)).OrderBy(g => g.Key).SelectMany(g => g.Take(2))];
        Assert.Equal(Keys, keys.Length); // two keys per segment
        using var live = new TempDirectory();
        using var dir = new TempDirectory();
        var ids = new List<string>();
        await using (var store = GatewayStore.Open(Options(live.Path) with { JournalFileBytes = 1024 * 1024 }, NullLoggerFactory.Instance))
        {
            await store.CreateScopeAsync("d");
            await store.CreateStreamAsync("d", "s", new StreamConfig(3));
            var stream = store.Stream("d", "s");
            for (var t = 0; t < Transactions; t++)
            {
                var txn = stream.Begin(0).Id;
                await stream.AppendAsync(txn, [.. Enumerable.Range(0, Keys).Select(k => (keys[k], Events.Make(keys[k], t * Keys + k, 300).Data))], CancellationToken.None);
                await stream.CommitAsync(txn, CancellationToken.None);
                ids.Add(txn);
                if (t == Damaged) await stream.CheckpointAsync(force: true); // damage after the checkpoint is redone from the journal
            }
            DamageMatrixFixture.CopyTree(live.Path, dir.Path); // as a crash leaves it: the commits after the checkpoint only in the journal
        }
        var streamDir = Path.Combine(dir.Path, "scopes", "d", "s");
        var bySegment = new List<(long Offset, int Size, long Sequence)>[3];
        for (var s = 0; s < 3; s++)
        {
            var frames = bySegment[s] = [];
            using var file = File.OpenHandle(Path.Combine(streamDir, "segments", $"{s}.seg"));
            FrameScanner.Scan(file, 0, (offset, size, payload) => frames.Add((offset, size, Events.Parse(payload[SegmentRecord.TimestampSize..].ToArray()).Sequence)));
        }
        Assert.All(bySegment, frames => Assert.Equal(2 * Transactions, frames.Count));
        const int damagedSegment = 1;
        var target = bySegment[damagedSegment].First(f => f.Sequence / Keys == Damaged);
        var segmentFile = Path.Combine(streamDir, "segments", $"{damagedSegment}.seg");
        DamageTests.Flip(segmentFile, target.Offset + target.Size - 3);

        using var salvaged = new TempDirectory();
        var (code, output) = Run("salvage", dir.Path, salvaged.Path);
        Assert.Equal(3, code);
        Assert.Contains($"LOST 1 committed transaction(s) that lost events to the damage; none of their events is in the salvaged segments (they answer UNKNOWN, a writer that still has them rewrites them): {ids[Damaged]}", output);
        foreach (var s in Enumerable.Range(0, 3).Where(s => s != damagedSegment))
        {
            var first = bySegment[s].First(f => f.Sequence / Keys == Damaged).Offset;
            Assert.Contains($"segment {s}: events at 0..{first} kept at their offsets; {bySegment[s].Count(f => f.Sequence / Keys > Damaged)} intact event(s) after {first} appended", output);
            Assert.Contains("stream cuts and offsets after", output);
        }
        Assert.Contains("LOST in all: 1 committed transaction(s) by id, 0 more id(s) without a record, 0 event(s) of unknown transactions, 0 open transaction(s)", output);
        Assert.Equal(0, Run("verify", salvaged.Path).Code);

        // The real gateway over the salvaged directory: the lost transaction has no event anywhere and answers UNKNOWN;
        // every other one has all its events exactly once and answers COMMITTED.
        await using var gw = await TestGateway.StartAsync(dataDir: salvaged.Path);
        var name = new Streams.Naming.StreamName("d", "s");
        var read = await gw.Client.ReadEventsAsync(name, null, (await gw.Client.GetStreamInfoAsync(name)).Tail).Select(e => Events.Parse(e.Data).Sequence).ToListAsync();
        Assert.Equal(Enumerable.Range(0, Transactions * Keys).Where(i => i / Keys != Damaged).Select(i => (long)i), read.Order());
        for (var t = 0; t < Transactions; t++)
            Assert.Equal(t == Damaged ? Streams.Client.TransactionState.Unknown : Streams.Client.TransactionState.Committed, await gw.Client.GetTransactionStatusAsync(name, ids[t]));
    }

    [Fact]
    public async Task Verify_and_salvage_refuse_a_directory_a_gateway_holds_and_a_gateway_refuses_one_they_hold()
    {
        using var dir = new TempDirectory();
        using var target = new TempDirectory();
        await using (var store = GatewayStore.Open(Options(dir.Path), NullLoggerFactory.Instance))
        {
            var (code, output) = Run("verify", dir.Path);
            Assert.Equal((4, 1), (code, output.Trim().Split('\n').Length));
            Assert.Contains($"error: {dir.Path} is in use by another process (a running gateway, or a gateway verify/salvage)", output);
            (code, output) = Run("salvage", dir.Path, target.Path);
            Assert.Equal(4, code);
            Assert.Contains("is in use", output);
            Assert.Empty(Directory.EnumerateFileSystemEntries(target.Path));
        }
        using (DataDirectoryLock.Take(dir.Path))
            Assert.Throws<DataDirectoryInUseException>(() => GatewayStore.Open(Options(dir.Path), NullLoggerFactory.Instance));
        Assert.Equal(0, Run("verify", dir.Path).Code);
    }

    [Fact]
    public void Verbs_with_wrong_arguments_print_usage_and_exit_2()
    {
        var (code, output) = Run("verify");
        Assert.Equal(2, code);
        Assert.Contains("usage: gateway verify <data-dir>", output);
    }
}
