using Grpc.Core;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Streams.Protocol;

namespace SensorStream.Gateway.Tests;

/// <summary>Stream cuts round-trip exactly; per-event cuts resume right after their event; pointers fetch; tails wake.</summary>
public sealed class StreamCutTests
{
    private static readonly StreamName Stream = new("cuts", "s");

    private static async Task CommitAsync(GatewayClient client, IEnumerable<OutgoingEvent> events)
    {
        var txn = await client.BeginTransactionAsync(Stream, TimeSpan.FromMinutes(1));
        await client.WriteTransactionEventsAsync(Stream, txn, events);
        await client.CommitTransactionAsync(Stream, txn);
    }

    [Fact]
    public async Task Per_event_cuts_resume_after_their_event_and_tail_cut_bounds_a_read()
    {
        await using var gw = await TestGateway.StartAsync();
        await gw.Client.EnsureStreamAsync(Stream, segments: 3);
        var empty = await gw.Client.GetStreamInfoAsync(Stream);
        Assert.Equal(empty.Head.Text, empty.Tail.Text);
        Assert.Equal([0L, 0L, 0L], empty.Tail.Cut.OrderBy(kv => kv.Key).Select(kv => kv.Value));

        await CommitAsync(gw.Client, Enumerable.Range(0, 30).Select(i => Events.Make("k" + i % 7, i)));
        var middle = await gw.Client.GetStreamInfoAsync(Stream);
        await CommitAsync(gw.Client, Enumerable.Range(30, 10).Select(i => Events.Make("k" + i % 7, i)));

        // The tail cut taken after 30 events, handed back as text, bounds a read to exactly those 30.
        var first = await gw.Client.ReadEventsAsync(Stream, null, new StreamCut { Text = middle.Tail.Text }).ToListAsync();
        Assert.Equal(Enumerable.Range(0, 30).Select(i => (long)i).Order(), first.Select(e => Events.Parse(e.Data).Sequence).Order());

        // Resuming from the cut after each event yields exactly the rest.
        var all = await gw.Client.ReadRangeAsync(Stream).ToListAsync();
        Assert.Equal(40, all.Count);
        for (var k = 0; k < all.Count; k += 7)
        {
            var rest = await gw.Client.ReadRangeAsync(Stream, new StreamCut { Text = all[k].CutAfter.Text }).ToListAsync();
            Assert.Equal(all.Skip(k + 1).Select(e => Events.Text(e.Data)).Order(), rest.Select(e => Events.Text(e.Data)).Order());
        }
        Assert.Equal((await gw.Client.GetStreamInfoAsync(Stream)).Tail.Text, all[^1].CutAfter.Text);

        // As in the public gateway, a cut with an empty text is unbounded whatever its map says: from the head.
        var byMap = new StreamCut();
        byMap.Cut.Add(middle.Tail.Cut);
        Assert.Equal(30, (await gw.Client.ReadEventsAsync(Stream, byMap, middle.Tail).ToListAsync()).Count);
    }

    [Fact]
    public async Task Cut_text_is_pravegas_asText_and_the_older_v1_text_is_still_accepted()
    {
        await using var gw = await TestGateway.StartAsync();
        await gw.Client.EnsureStreamAsync(Stream, segments: 3);
        await CommitAsync(gw.Client, Enumerable.Range(0, 12).Select(i => Events.Make("k" + i % 5, i)));
        var tail = (await gw.Client.GetStreamInfoAsync(Stream)).Tail;
        var offsets = Enumerable.Range(0, 3).Select(s => tail.Cut[s]).ToArray();
        Assert.All(offsets, o => Assert.True(o > 0));

        // base64 of gzip of "0:scope/stream:numbers:epochs:offsets" (Pravega's StreamCutImpl.asText), decoded by hand here.
        using (var gzip = new System.IO.Compression.GZipStream(new MemoryStream(Convert.FromBase64String(tail.Text)), System.IO.Compression.CompressionMode.Decompress))
        using (var reader = new StreamReader(gzip))
            Assert.Equal($"0:cuts/s:0,1,2:0,0,0:{string.Join(',', offsets)}", await reader.ReadToEndAsync());
        Assert.Equal($"cuts/s:0={offsets[0]}, 1={offsets[1]}, 2={offsets[2]}", tail.Description);

        // The text this gateway issued before (kept in cloud checkpoints): base64url of v1|scope/stream|offsets.
        var legacy = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"v1|cuts/s|{string.Join(',', offsets)}"))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await CommitAsync(gw.Client, Enumerable.Range(12, 5).Select(i => Events.Make("k" + i % 5, i)));
        var after = await gw.Client.ReadRangeAsync(Stream, new StreamCut { Text = legacy }).ToListAsync();
        Assert.Equal(Enumerable.Range(12, 5).Select(i => (long)i), after.Select(e => Events.Parse(e.Data).Sequence).Order());
        Assert.Empty(await gw.Client.ReadEventsAsync(Stream, tail, new StreamCut { Text = legacy }).ToListAsync());
        Assert.True(await gw.Client.TruncateStreamAsync(Stream, new StreamCut { Text = legacy }));
        Assert.Equal(tail.Text, (await gw.Client.GetStreamInfoAsync(Stream)).Head.Text);
    }

    [Fact]
    public async Task Foreign_or_garbled_cuts_are_invalid_arguments()
    {
        await using var gw = await TestGateway.StartAsync();
        await gw.Client.EnsureStreamAsync(Stream);
        var other = new StreamName("cuts", "other");
        await gw.Client.CreateStreamAsync(other);
        var otherTail = (await gw.Client.GetStreamInfoAsync(other)).Tail;

        var foreign = await Assert.ThrowsAsync<RpcException>(() => gw.Client.ReadEventsAsync(Stream, otherTail, otherTail).ToListAsync().AsTask());
        Assert.Equal(StatusCode.InvalidArgument, foreign.StatusCode);
        Assert.Contains("cuts/other", foreign.Status.Detail);
        var garbled = await Assert.ThrowsAsync<RpcException>(() => gw.Client.ReadEventsAsync(Stream, new StreamCut { Text = "not a cut!" }, null).ToListAsync().AsTask());
        Assert.Equal(StatusCode.InvalidArgument, garbled.StatusCode);
        Assert.Contains("from_stream_cut", garbled.Status.Detail);

        // Pravega-form texts that are well encoded but wrong for this stream, or damaged: each named in one line.
        (string Plain, string Why)[] bad =
        [
            ("1:cuts/s:0:0:0", "version '1' is not Pravega's 0"),
            ("0:cuts/s:0,1:0:0", "it lists 2 segment numbers, 1 epochs and 1 offsets"),
            ("0:cuts/s:0:1:0", "segment 0 of epoch 1 is not a segment of cuts/s"),
            ("0:cuts/s:0,0:0,0:0,0", "segment 0 is listed twice"),
            ("0:cuts/s:0:0:x", "offset 'x' is not a number"),
            ("0:cuts/s:0:0:-5", "offset -5 of segment 0 is negative"),
            ("0:cuts-s:0:0:0", "'cuts-s' is not a scope/stream name"),
        ];
        foreach (var (plain, why) in bad)
        {
            var error = await Assert.ThrowsAsync<RpcException>(() => gw.Client.ReadEventsAsync(Stream, null, new StreamCut { Text = Gzip64(plain) }).ToListAsync().AsTask());
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.Contains("to_stream_cut is not valid", error.Status.Detail);
            Assert.Contains(why, error.Status.Detail);
        }
        var damaged = Gzip64("0:cuts/s:0:0:0")[..12] + "AAAA";
        var broken = await Assert.ThrowsAsync<RpcException>(() => gw.Client.ReadEventsAsync(Stream, new StreamCut { Text = damaged }, null).ToListAsync().AsTask());
        Assert.Equal(StatusCode.InvalidArgument, broken.StatusCode);
    }

    private static string Gzip64(string plain)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
            gzip.Write(System.Text.Encoding.UTF8.GetBytes(plain));
        return Convert.ToBase64String(buffer.ToArray());
    }

    [Fact]
    public async Task Event_pointers_fetch_the_same_bytes_and_batch_read_reports_positions()
    {
        await using var gw = await TestGateway.StartAsync();
        await gw.Client.EnsureStreamAsync(Stream, segments: 2);
        await CommitAsync(gw.Client, Enumerable.Range(0, 10).Select(i => new OutgoingEvent("k" + i, Events.Blob(100 + i * 1000, i))));
        var all = await gw.Client.ReadRangeAsync(Stream).ToListAsync();
        foreach (var e in all)
            Assert.Equal(e.Data.ToArray(), (await gw.Client.FetchEventAsync(Stream, e.Pointer)).ToArray());

        using var batch = gw.Client.Raw.BatchReadEvents(new BatchReadEventsRequest { Scope = Stream.Scope, Stream = Stream.Stream });
        var items = await batch.ResponseStream.ReadAllAsync().ToListAsync();
        Assert.Equal(all.Select(e => e.Data.ToArray()).OrderBy(Convert.ToBase64String), items.Select(i => i.Event.ToByteArray()).OrderBy(Convert.ToBase64String));
        Assert.All(items.GroupBy(i => i.SegmentId), g => Assert.Equal(0, g.First().Offset));
    }

    /// <summary>A pointer's bytes as the gateway issues them (<c>[i64 segment][i64 offset][i32 length]</c>), without a description.</summary>
    private static EventPointer Pointer(long segment, long offset, int length)
    {
        var bytes = new byte[20];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(bytes, segment);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), offset);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16), length);
        return new EventPointer { Bytes = Google.Protobuf.ByteString.CopyFrom(bytes) };
    }

    private static async Task<RpcException> FetchFailsAsync(TestGateway gw, EventPointer pointer) =>
        await Assert.ThrowsAsync<RpcException>(() => gw.Client.Raw.FetchEventAsync(new FetchEventRequest
        {
            Scope = Stream.Scope, Stream = Stream.Stream, EventPointer = pointer,
        }).ResponseAsync);

    [Fact]
    public async Task A_pointer_with_the_right_offset_and_a_wrong_length_is_told_so_and_damage_stays_data_loss()
    {
        await using var gw = await TestGateway.StartAsync();
        await gw.Client.EnsureStreamAsync(Stream);
        await CommitAsync(gw.Client, [new OutgoingEvent("k", Events.Blob(100, 1)), new OutgoingEvent("k", Events.Blob(200_000, 2)), new OutgoingEvent("k", Events.Blob(300, 3))]);
        var all = await gw.Client.ReadRangeAsync(Stream).ToListAsync();
        var (first, middle, last) = (Decode(all[0].Pointer), Decode(all[1].Pointer), Decode(all[2].Pointer));
        Assert.Equal(first.Length, middle.Offset);

        // The offset is an event's start; only the length differs (shorter, longer, and longer past the tail).
        foreach (var (offset, actual, wrong) in new[] { (middle.Offset, middle.Length, middle.Length - 1), (middle.Offset, middle.Length, middle.Length + 7),
                     (first.Offset, first.Length, first.Length + middle.Length), (last.Offset, last.Length, last.Length + 1) })
        {
            var error = await FetchFailsAsync(gw, Pointer(0, offset, wrong));
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.Contains($"the event pointer's length {wrong} does not match the event's length {actual} at offset {offset} of segment 0", error.Status.Detail);
            Assert.DoesNotContain("not the start of an event", error.Status.Detail);
        }

        // An offset inside an event is still not an event's start.
        var inside = await FetchFailsAsync(gw, Pointer(0, middle.Offset + 4, middle.Length));
        Assert.Equal(StatusCode.InvalidArgument, inside.StatusCode);
        Assert.Contains($"offset {middle.Offset + 4} of segment 0 is not the start of an event", inside.Status.Detail);

        // Real damage at an event's start is still DATA_LOSS: one byte of the middle event's data flipped on disk.
        var file = gw.Server.Store.Stream(Stream.Scope, Stream.Stream).Segments[0].Path;
        await using (var handle = File.Open(file, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
        {
            handle.Position = middle.Offset + middle.Length - 10;
            var b = handle.ReadByte();
            handle.Position--;
            handle.WriteByte((byte)~b);
        }
        var damaged = await FetchFailsAsync(gw, all[1].Pointer);
        Assert.Equal(StatusCode.DataLoss, damaged.StatusCode);
        Assert.Contains($"is damaged at byte {middle.Offset}", damaged.Status.Detail);
    }

    [Fact]
    public async Task An_offset_inside_an_event_whose_bytes_announce_a_huge_event_is_refused_before_that_much_is_read_or_allocated()
    {
        await using var gw = await TestGateway.StartAsync();
        await gw.Client.EnsureStreamAsync(Stream);
        // The event's first bytes read as a record header announcing a 30 MB payload (over the 16 MiB ceiling of any
        // event, under the 64 MiB any frame may have): a stream cut or pointer at them comes from elsewhere.
        var hostile = Events.Blob(64 * 1024, 7);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(hostile, 30_000_000);
        await CommitAsync(gw.Client, [new OutgoingEvent("k", Events.Blob(100, 1)), new OutgoingEvent("k", hostile)]);
        var all = await gw.Client.ReadRangeAsync(Stream).ToListAsync();
        var inside = Decode(all[1].Pointer).Offset + SensorStream.Gateway.Storage.SegmentRecord.Overhead;

        var stream = gw.Server.Store.Stream(Stream.Scope, Stream.Stream);
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<SensorStream.Gateway.Storage.StoreException>(() => stream.Truncate([inside, 0]));
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Assert.Equal(SensorStream.Gateway.Storage.StoreError.InvalidArgument, error.Kind);
        Assert.Contains($"offset {inside} of segment 0 is not the start of an event", error.Message);
        Assert.True(allocated < 1024 * 1024, $"{allocated} bytes allocated to refuse the cut");
        Assert.Equal(0, stream.Heads()[0]);

        // The same offset as an event pointer (any length up to the largest event): INVALID_ARGUMENT, nothing served.
        var fetch = await FetchFailsAsync(gw, Pointer(0, inside, 1000));
        Assert.Equal(StatusCode.InvalidArgument, fetch.StatusCode);
        Assert.Contains($"offset {inside} of segment 0 is not the start of an event", fetch.Status.Detail);
    }

    [Fact]
    public async Task Errors_name_a_pointer_without_description_by_what_its_bytes_say()
    {
        await using var gw = await TestGateway.StartAsync();
        await gw.Client.EnsureStreamAsync(Stream);
        await CommitAsync(gw.Client, [Events.Make("k", 1)]);
        foreach (var (pointer, says) in new[]
                 {
                     (Pointer(0, 10_000_000, 30), "event_pointer (segment 0 offset 10000000 length 30) is beyond the tail of segment 0"),
                     (Pointer(0, 0, int.MaxValue), $"event_pointer (segment 0 offset 0 length {int.MaxValue}) announces {int.MaxValue} bytes"),
                     (Pointer(-1, 0, 30), "event_pointer (segment -1 offset 0 length 30) is out of range"),
                     (new EventPointer { Bytes = Google.Protobuf.ByteString.CopyFrom(new byte[7]) }, "expected 20 bytes, got 7"),
                 })
        {
            var error = await FetchFailsAsync(gw, pointer);
            Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
            Assert.Contains(says, error.Status.Detail);
            Assert.DoesNotContain("()", error.Status.Detail);
        }
    }

    private static (long Offset, int Length) Decode(EventPointer pointer) =>
        (System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(pointer.Bytes.Span[8..]),
         System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(pointer.Bytes.Span[16..]));

    [Fact]
    public async Task Unbounded_read_tails_new_commits_until_cancelled()
    {
        await using var gw = await TestGateway.StartAsync();
        await gw.Client.EnsureStreamAsync(Stream, segments: 2);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = new List<string>();
        var reader = Task.Run(async () =>
        {
            await foreach (var e in gw.Client.ReadEventsAsync(Stream, ct: cts.Token))
            {
                received.Add(Events.Text(e.Data));
                if (received.Count == 6) return;
            }
        });
        for (var i = 0; i < 3; i++) await CommitAsync(gw.Client, [Events.Make("a", 2 * i), Events.Make("b", 2 * i + 1)]);
        await reader.WaitAsync(cts.Token);
        Assert.Equal(6, received.Count);
        Assert.Equal(["a|0|", "a|2|", "a|4|"], received.Where(r => r.StartsWith('a')));
    }
}
