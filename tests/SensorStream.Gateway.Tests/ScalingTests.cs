using System.Collections.Concurrent;
using System.IO.Compression;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.Gateway.Hosting;
using SensorStream.Gateway.Storage;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Streams.Protocol;
using SensorStream.Testing;

namespace SensorStream.Gateway.Tests;

/// <summary>
/// Elastic streams: UpdateStream scales a stream into a new epoch while writers and readers run; every event is read
/// exactly once and each routing key in order across epochs; transactions begun before a scale commit after it;
/// cuts, truncation and a restart (kill -9) work across epochs.
/// </summary>
public sealed class ScalingTests
{
    private static readonly StreamName Stream = new("elastic", "s");

    /// <summary>Pravega's textual cut inside a cut's text: numbers, epochs, offsets.</summary>
    private static string Plain(StreamCut cut)
    {
        using var gzip = new GZipStream(new MemoryStream(Convert.FromBase64String(cut.Text)), CompressionMode.Decompress);
        return new StreamReader(gzip).ReadToEnd();
    }

    /// <summary>Every (key, sequence) once, and each key's sequences ascending in read order.</summary>
    private static void AssertExactlyOnceInKeyOrder(IEnumerable<ReadOnlyMemory<byte>> read, IReadOnlyDictionary<string, long> expectedPerKey)
    {
        var last = new Dictionary<string, long>();
        var count = 0;
        foreach (var data in read)
        {
            var (key, sequence) = Events.Parse(data);
            var previous = last.GetValueOrDefault(key, -1);
            Assert.True(sequence == previous + 1, $"key {key}: {sequence} read after {previous}");
            last[key] = sequence;
            count++;
        }
        Assert.Equal(expectedPerKey.OrderBy(kv => kv.Key), last.ToDictionary(kv => kv.Key, kv => kv.Value + 1).OrderBy(kv => kv.Key));
        Assert.Equal(expectedPerKey.Values.Sum(), count);
    }

    [Fact]
    public async Task Concurrent_writers_and_readers_across_scale_up_and_down_keep_each_key_in_order_exactly_once()
    {
        const int writers = 4, keysPerWriter = 3, rounds = 60, eventsPerRound = 5;
        await using var gw = await TestGateway.StartAsync();
        await gw.Client.EnsureStreamAsync(Stream, segments: 2);
        var total = writers * rounds * eventsPerRound;

        // A tailing reader from the head, started before anything is written.
        using var stopReader = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var tailed = new List<StreamEvent>();
        var reader = Task.Run(async () =>
        {
            await foreach (var e in gw.Client.ReadEventsAsync(Stream, ct: stopReader.Token))
            {
                tailed.Add(e);
                if (tailed.Count == total) return;
            }
        });

        var progress = 0;
        var work = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var sequences = new long[keysPerWriter];
            for (var r = 0; r < rounds; r++)
            {
                var events = Enumerable.Range(0, eventsPerRound).Select(i =>
                {
                    var k = (r + i) % keysPerWriter;
                    return Events.Make($"w{w}k{k}", sequences[k]++, 64);
                }).ToList();
                if (w % 2 == 0)
                {
                    var txn = await gw.Client.BeginTransactionAsync(Stream, TimeSpan.FromMinutes(2));
                    await gw.Client.WriteTransactionEventsAsync(Stream, txn, events);
                    Assert.Equal(TransactionState.Committed, await gw.Client.CommitTransactionAsync(Stream, txn));
                }
                else await gw.Client.WriteEventsAsync(Stream, events); // streamed, non-transactional
                Interlocked.Increment(ref progress);
            }
        })).ToList();

        // Scale up, down and up again while the writers run (each when a share of the rounds is done).
        var cutsDuringScaling = new List<StreamCut>();
        foreach (var (share, segments) in new[] { (0.2, 5), (0.45, 1), (0.7, 3) })
        {
            await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref progress)), p => p >= writers * rounds * share || work.All(t => t.IsCompleted),
                TimeSpan.FromMinutes(2), "writer progress");
            Assert.True(await gw.Client.ScaleStreamAsync(Stream, segments));
            cutsDuringScaling.Add((await gw.Client.GetStreamInfoAsync(Stream)).Tail);
        }
        await Task.WhenAll(work);
        await reader.WaitAsync(TimeSpan.FromMinutes(2));

        var expected = Enumerable.Range(0, writers).SelectMany(w => Enumerable.Range(0, keysPerWriter).Select(k =>
            ($"w{w}k{k}", (long)Enumerable.Range(0, rounds).SelectMany(r => Enumerable.Range(0, eventsPerRound).Select(i => (r + i) % keysPerWriter)).Count(x => x == k))))
            .ToDictionary(x => x.Item1, x => x.Item2);
        AssertExactlyOnceInKeyOrder(tailed.Select(e => e.Data), expected);
        var all = await gw.Client.ReadRangeAsync(Stream).ToListAsync();
        AssertExactlyOnceInKeyOrder(all.Select(e => e.Data), expected);

        // Four epochs: 2 + 5 + 1 + 3 segments; the tail names the current epoch's three (epoch 3, numbers 8..10).
        var tail = (await gw.Client.GetStreamInfoAsync(Stream)).Tail;
        Assert.StartsWith("0:elastic/s:8,9,10:3,3,3:", Plain(tail));
        Assert.Equal([(3L << 32) | 8, (3L << 32) | 9, (3L << 32) | 10], tail.Cut.Keys.Order());
        Assert.Equal(tail.Text, all[^1].CutAfter.Text);

        // Any per-event cut resumes exactly after its event, whatever epoch it falls in; a cut taken at a scale bounds a read.
        foreach (var k in new[] { 0, total / 5, total / 2, total - 7 })
        {
            var rest = await gw.Client.ReadRangeAsync(Stream, new StreamCut { Text = all[k].CutAfter.Text }).ToListAsync();
            Assert.Equal(all.Skip(k + 1).Select(e => Events.Text(e.Data)).Order(), rest.Select(e => Events.Text(e.Data)).Order());
        }
        foreach (var cut in cutsDuringScaling)
        {
            var before = await gw.Client.ReadEventsAsync(Stream, null, cut).ToListAsync();
            var after = await gw.Client.ReadRangeAsync(Stream, cut).ToListAsync();
            Assert.Equal(total, before.Count + after.Count);
            Assert.Equal(all.Select(e => Events.Text(e.Data)).Order(), before.Concat(after).Select(e => Events.Text(e.Data)).Order());
        }

        // BatchReadEvents gives Pravega segment ids (epoch << 32 | number) of every epoch.
        using var batch = gw.Client.Raw.BatchReadEvents(new BatchReadEventsRequest { Scope = Stream.Scope, Stream = Stream.Stream });
        var epochs = new HashSet<long>();
        var batchCount = 0;
        await foreach (var e in batch.ResponseStream.ReadAllAsync())
        {
            epochs.Add(e.SegmentId >> 32);
            batchCount++;
        }
        Assert.Equal(total, batchCount);
        Assert.Equal([0L, 1, 2, 3], epochs.Order());
    }

    [Fact]
    public async Task A_transaction_begun_before_a_scale_commits_after_it_into_the_new_epoch_after_everything_before()
    {
        await using var gw = await TestGateway.StartAsync();
        await gw.Client.EnsureStreamAsync(Stream, segments: 1);
        var keys = Enumerable.Range(0, 8).Select(i => "key" + i).ToList();
        // Sequence 0 of every key committed in epoch 0; the open transaction holds 1 and 2 (written before and after the scale).
        var first = await gw.Client.BeginTransactionAsync(Stream, TimeSpan.FromMinutes(2));
        await gw.Client.WriteTransactionEventsAsync(Stream, first, keys.Select(k => Events.Make(k, 0)));
        var spanning = await gw.Client.BeginTransactionAsync(Stream, TimeSpan.FromMinutes(2));
        await gw.Client.WriteTransactionEventsAsync(Stream, spanning, keys.Select(k => Events.Make(k, 1)));
        await gw.Client.CommitTransactionAsync(Stream, first);

        Assert.True(await gw.Client.ScaleStreamAsync(Stream, 4));
        Assert.True(await gw.Client.ScaleStreamAsync(Stream, 0)); // 0 leaves the segments alone
        await gw.Client.WriteTransactionEventsAsync(Stream, spanning, keys.Select(k => Events.Make(k, 2)));
        Assert.Empty(await gw.Client.ReadRangeAsync(Stream, (await gw.Client.GetStreamInfoAsync(Stream)).Tail).ToListAsync());
        Assert.Equal(TransactionState.Committed, await gw.Client.CommitTransactionAsync(Stream, spanning));

        var all = await gw.Client.ReadRangeAsync(Stream).ToListAsync();
        AssertExactlyOnceInKeyOrder(all.Select(e => e.Data), keys.ToDictionary(k => k, _ => 3L));
        // Epoch 0's single segment holds sequence 0 only; the spanning transaction went to epoch 1, by key over 4 segments.
        using var batch = gw.Client.Raw.BatchReadEvents(new BatchReadEventsRequest { Scope = Stream.Scope, Stream = Stream.Stream });
        var placed = new List<(long Id, string Key, long Sequence)>();
        await foreach (var e in batch.ResponseStream.ReadAllAsync())
        {
            var (key, sequence) = Events.Parse(e.Event.Memory);
            placed.Add((e.SegmentId, key, sequence));
        }
        Assert.All(placed.Where(p => p.Sequence == 0), p => Assert.Equal(0L, p.Id));
        Assert.All(placed.Where(p => p.Sequence > 0), p => Assert.Equal(1L, p.Id >> 32));
        Assert.True(placed.Where(p => p.Sequence > 0).Select(p => p.Id).Distinct().Count() > 1);
        // Each key's two events of the transaction are in one segment (its key range), in write order.
        foreach (var key in keys)
            Assert.Equal([1L, 2], placed.Where(p => p.Key == key && p.Sequence > 0).GroupBy(p => p.Id).Single().Select(p => p.Sequence));
    }

    [Fact]
    public async Task Truncation_and_size_retention_follow_the_successor_graph()
    {
        await using var gw = await TestGateway.StartAsync();
        await gw.Client.EnsureStreamAsync(Stream, segments: 2);
        async Task CommitAsync(int from, int count)
        {
            var txn = await gw.Client.BeginTransactionAsync(Stream, TimeSpan.FromMinutes(1));
            await gw.Client.WriteTransactionEventsAsync(Stream, txn, Enumerable.Range(from, count).Select(i => Events.Make("k" + i % 5, i / 5, 100)));
            await gw.Client.CommitTransactionAsync(Stream, txn);
        }
        await CommitAsync(0, 20);
        await gw.Client.ScaleStreamAsync(Stream, 3);
        await CommitAsync(20, 20);
        var all = await gw.Client.ReadRangeAsync(Stream).ToListAsync();
        Assert.Equal(40, all.Count);

        // Truncating at a cut inside epoch 1 drops epoch 0 and what came before the cut there.
        var cut = all[29].CutAfter;
        Assert.True(await gw.Client.TruncateStreamAsync(Stream, cut));
        var head = (await gw.Client.GetStreamInfoAsync(Stream)).Head;
        Assert.Equal(cut.Text, head.Text);
        Assert.Contains(":1,1,1:", Plain(head)); // the head names epoch 1's segments only
        Assert.Equal(all.Skip(30).Select(e => Events.Text(e.Data)), (await gw.Client.ReadRangeAsync(Stream).ToListAsync()).Select(e => Events.Text(e.Data)));
        // A cut from before the head reads from the head.
        Assert.Equal(10, (await gw.Client.ReadRangeAsync(Stream, all[3].CutAfter).ToListAsync()).Count);

        // Size retention keeps the newest bytes: it drops epoch 1's oldest events first, never a successor before its predecessors.
        await gw.Client.ScaleStreamAsync(Stream, 2);
        await CommitAsync(40, 10);
        var retention = new RetentionPolicy { RetentionType = RetentionPolicy.Types.RetentionPolicyType.Size, RetentionParam = 5 * 200 };
        await gw.Client.Raw.UpdateStreamAsync(new UpdateStreamRequest { Scope = Stream.Scope, Stream = Stream.Stream, RetentionPolicy = retention });
        gw.Server.Store.Stream(Stream.Scope, Stream.Stream).EnforceRetention();
        var kept = await gw.Client.ReadRangeAsync(Stream).ToListAsync();
        Assert.InRange(kept.Count, 1, 10);
        Assert.All(kept, e => Assert.True(Events.Parse(e.Data).Sequence >= 8, Events.Text(e.Data)));
        AssertKeyOrder(kept);
    }

    private static void AssertKeyOrder(IEnumerable<StreamEvent> events)
    {
        var last = new Dictionary<string, long>();
        foreach (var e in events)
        {
            var (key, sequence) = Events.Parse(e.Data);
            Assert.True(sequence > last.GetValueOrDefault(key, -1), $"key {key}: {sequence} after {last.GetValueOrDefault(key, -1)}");
            last[key] = sequence;
        }
    }

    [Fact]
    public async Task Kill_after_scales_recovers_the_epochs_replays_commits_and_an_open_transaction_commits_into_the_current_epoch()
    {
        using var dir = new TempDirectory();
        string open;
        // Checkpoints far apart: the restart replays the commits of every epoch from the journal.
        string[] args = ["--checkpoint-interval-ms", "600000"];
        await using (var gateway = await GatewayProcess.StartAsync(dir.Path, args))
        {
            using var client = new GatewayClient(new GatewayClientOptions { Endpoint = gateway.Endpoint, MaxRetryAttempts = 0 });
            await client.EnsureStreamAsync(Stream, segments: 3);
            for (var round = 0; round < 3; round++)
            {
                var txn = await client.BeginTransactionAsync(Stream, TimeSpan.FromMinutes(5));
                await client.WriteTransactionEventsAsync(Stream, txn, Enumerable.Range(0, 6).Select(k => Events.Make("k" + k, round)));
                await client.CommitTransactionAsync(Stream, txn);
                await client.ScaleStreamAsync(Stream, round + 1);
            }
            open = await client.BeginTransactionAsync(Stream, TimeSpan.FromMinutes(5));
            await client.WriteTransactionEventsAsync(Stream, open, Enumerable.Range(0, 6).Select(k => Events.Make("k" + k, 3)));
            gateway.Kill();
        }
        Assert.Equal(0, GatewayTools.Run(["verify", dir.Path], TextWriter.Null, TextWriter.Null));

        await using (var gateway = await TestGateway.StartAsync(dataDir: dir.Path))
        {
            var client = gateway.Client;
            Assert.Equal(TransactionState.Open, await client.GetTransactionStatusAsync(Stream, open));
            await client.ScaleStreamAsync(Stream, 2); // epoch 4: the open transaction commits there
            Assert.Equal(TransactionState.Committed, await client.CommitTransactionAsync(Stream, open));
            var all = await client.ReadRangeAsync(Stream).ToListAsync();
            AssertExactlyOnceInKeyOrder(all.Select(e => e.Data), Enumerable.Range(0, 6).ToDictionary(k => "k" + k, _ => 4L));
            // epochs 3, 1, 2, 3, 2 segments → 11 in all; the tail names epoch 4's (numbers 9, 10).
            Assert.StartsWith("0:elastic/s:9,10:4,4:", Plain((await client.GetStreamInfoAsync(Stream)).Tail));
        }
        Assert.Equal(0, GatewayTools.Run(["verify", dir.Path], TextWriter.Null, TextWriter.Null));
    }

    [Fact]
    public async Task Verify_and_salvage_work_across_epochs()
    {
        using var dir = new TempDirectory();
        var options = JournalFilesTests.Options(dir.Path);
        List<long> sequences;
        var ids = new List<string>(); // transaction t wrote sequences t*4..t*4+3
        await using (var store = GatewayStore.Open(options, NullLoggerFactory.Instance))
        {
            await store.CreateScopeAsync("v");
            await store.CreateStreamAsync("v", "s", new StreamConfig(2));
            var stream = store.Stream("v", "s");
            for (var t = 0; t < 12; t++)
            {
                if (t == 4) await stream.ScaleAsync(3, "test");
                var txn = stream.Begin(0).Id;
                ids.Add(txn);
                await stream.AppendAsync(txn, JournalFilesTests.Batch("k" + t % 5, t * 4, 4), CancellationToken.None);
                await stream.CommitAsync(txn, CancellationToken.None);
                if (t == 6) await stream.CheckpointAsync(force: true);
            }
            sequences = JournalFilesTests.Sequences(stream);
        }
        string Run(params string[] args)
        {
            var output = new StringWriter();
            return $"{GatewayTools.Run(args, output, output)} {output}";
        }
        Assert.StartsWith("0 ok: 1 stream(s) intact", Run("verify", dir.Path));

        // Flip a byte inside the middle event of the fullest segment of epoch 1 (segments 2..4).
        var (segment, frames) = Enumerable.Range(2, 3).Select(n =>
        {
            var path = Path.Combine(dir.Path, "scopes", "v", "s", "segments", $"{n}.seg");
            var found = new List<(long Offset, int Size, long Sequence)>();
            using (var file = File.OpenHandle(path))
                FrameScanner.Scan(file, 0, (offset, size, payload) => found.Add((offset, size, Events.Parse(payload[SegmentRecord.TimestampSize..].ToArray()).Sequence)));
            return (path, found);
        }).MaxBy(x => x.found.Count);
        var (at, length, damaged) = frames[frames.Count / 2];
        DamageTests.Flip(segment, at + length - 3);
        Assert.Contains($"DAMAGED {segment} at byte {at}:", Run("verify", dir.Path));

        using var target = new TempDirectory();
        var report = Run("salvage", dir.Path, target.Path);
        Assert.StartsWith("3 ", report);
        Assert.StartsWith("0 ", Run("verify", target.Path));
        // The damaged event's transaction is lost whole (with any other committed in the time the damaged bytes may
        // hold, as the report lists); every other one keeps all its events, in both epochs.
        var lost = SalvageCommitTimeTests.LostIds(report, "v/s");
        Assert.Contains(ids[(int)(damaged / 4)], lost);
        await using (var store = GatewayStore.Open(JournalFilesTests.Options(target.Path), NullLoggerFactory.Instance))
        {
            var stream = store.Stream("v", "s");
            Assert.Equal([2, 3], stream.Epochs.Counts);
            Assert.Equal(sequences.Where(q => !lost.Contains(ids[(int)(q / 4)])), JournalFilesTests.Sequences(stream));
            for (var t = 0; t < ids.Count; t++)
                Assert.Equal(lost.Contains(ids[t]) ? null : Transactions.TransactionPhase.Committed, stream.Status(ids[t]));
        }
    }

    [Fact]
    public async Task Bad_scales_are_refused_with_the_reason_and_change_nothing()
    {
        await using var gw = await TestGateway.StartAsync();
        await gw.Client.EnsureStreamAsync(Stream, segments: 2);
        var error = await Assert.ThrowsAsync<RpcException>(() => gw.Client.ScaleStreamAsync(Stream, 5000));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("segment count 5000 is out of range (1..1024)", error.Status.Detail);
        Assert.True(await gw.Client.ScaleStreamAsync(Stream, 0));
        Assert.True(await gw.Client.ScaleStreamAsync(Stream, 2)); // the current count: nothing changes
        Assert.StartsWith("0:elastic/s:0,1:0,0:", Plain((await gw.Client.GetStreamInfoAsync(Stream)).Tail));
        // A cut naming a segment of the wrong epoch is refused.
        var forged = new PravegaStreamCut("elastic", "s", [new SegmentPosition(0, 1, 0), new SegmentPosition(1, 0, 0)]).ToText();
        var bad = await Assert.ThrowsAsync<RpcException>(() => gw.Client.ReadRangeAsync(Stream, new StreamCut { Text = forged }).ToListAsync().AsTask());
        Assert.Contains("segment 0 of epoch 1 is not a segment of elastic/s", bad.Status.Detail);
    }
}
