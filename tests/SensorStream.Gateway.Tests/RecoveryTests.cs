using SensorStream.Gateway.Storage;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Testing;

namespace SensorStream.Gateway.Tests;

/// <summary>Start-up recovery from damaged tails: segments, journal and committed-id log.</summary>
public sealed class RecoveryTests
{
    private static readonly StreamName Stream = new("rec", "s");

    private static string StreamDir(TestGateway gw) => Path.Combine(gw.DataDir, "scopes", "rec", "s");

    private static async Task CommitAsync(GatewayClient client, IEnumerable<OutgoingEvent> events)
    {
        var txn = await client.BeginTransactionAsync(Stream, TimeSpan.FromMinutes(1));
        await client.WriteTransactionEventsAsync(Stream, txn, events);
        await client.CommitTransactionAsync(Stream, txn);
    }

    private static void AppendGarbage(string path, int bytes)
    {
        using var file = new FileStream(path, FileMode.Append);
        var garbage = new byte[bytes];
        new Random(bytes).NextBytes(garbage);
        garbage[0] = 0x10; // a small, plausible length: the CRC must be what rejects it
        garbage[1] = garbage[2] = garbage[3] = 0;
        file.Write(garbage);
    }

    /// <summary>What a crash leaves of a journal write: an intact header announcing 16 payload bytes, then only 11 of them.</summary>
    private static void AppendTornFrame(string path)
    {
        var frame = new byte[JournalFrame.Format.Size(16)];
        new Random(16).NextBytes(frame.AsSpan(JournalFrame.Format.HeaderSize));
        JournalFrame.Format.WriteHeader(frame, frame.AsSpan(JournalFrame.Format.HeaderSize));
        using var file = new FileStream(path, FileMode.Append);
        file.Write(frame.AsSpan(0, frame.Length - 5));
    }

    internal static string NewestJournalFile(string streamDir) =>
        Directory.GetFiles(Path.Combine(streamDir, "journal"), "*.jnl").Order(StringComparer.Ordinal).Last();

    [Fact]
    public async Task Torn_tails_are_cut_at_start_up_and_the_stream_carries_on()
    {
        var gw = await TestGateway.StartAsync();
        try
        {
            await gw.Client.EnsureStreamAsync(Stream, segments: 2);
            await CommitAsync(gw.Client, Enumerable.Range(0, 20).Select(i => Events.Make("k" + i % 4, i)));
            var open = await gw.Client.BeginTransactionAsync(Stream, TimeSpan.FromMinutes(1));
            await gw.Client.WriteTransactionEventsAsync(Stream, open, [Events.Make("open", 1)]);
            var tailBefore = (await gw.Client.GetStreamInfoAsync(Stream)).Tail.Text;
            await gw.Server.StopAsync();

            var dir = StreamDir(gw);
            var segment0 = Path.Combine(dir, "segments", "0.seg");
            var lengthBefore = new FileInfo(segment0).Length;
            // (Bytes after a segment's checkpointed length that no journal commit explains are damage, not a torn tail:
            // DamageTests. A crash can leave them only behind a durable commit, which replay rewrites.)
            AppendTornFrame(NewestJournalFile(dir)); // after the open transaction's event and the commit
            AppendGarbage(Path.Combine(dir, "committed.log"), 11);

            gw = await gw.RestartAsync();
            Assert.Equal(lengthBefore, new FileInfo(segment0).Length);
            Assert.Equal(tailBefore, (await gw.Client.GetStreamInfoAsync(Stream)).Tail.Text);
            var read = (await gw.Client.ReadRangeAsync(Stream).ToListAsync()).Select(e => Events.Parse(e.Data).Sequence).Order();
            Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), read);

            // The open transaction lost only the garbage: it commits its one real event.
            Assert.Equal(TransactionState.Committed, await gw.Client.CommitTransactionAsync(Stream, open));
            await CommitAsync(gw.Client, [Events.Make("after", 1)]);
            var texts = (await gw.Client.ReadRangeAsync(Stream).ToListAsync()).Select(e => Events.Text(e.Data)).ToList();
            Assert.Equal(22, texts.Count);
            Assert.Contains("open|1|", texts);
            Assert.Contains("after|1|", texts);
        }
        finally
        {
            await gw.DisposeAsync();
        }
    }

    [Fact]
    public async Task Commits_after_the_last_checkpoint_are_replayed_once_after_a_power_cut()
    {
        using var dir = new TempDirectory();
        // No checkpoint while running: every merge lives only in the page cache of the segment files.
        await using var first = await GatewayProcess.StartAsync(dir.Path, ["--checkpoint-interval-ms", "3600000"]);
        string tail;
        using (var client = new GatewayClient(first.Endpoint.ToString()))
        {
            await client.EnsureStreamAsync(Stream, segments: 3);
            for (var t = 0; t < 5; t++) await CommitAsync(client, Enumerable.Range(t * 10, 10).Select(i => Events.Make("k" + i % 5, i)));
            tail = (await client.GetStreamInfoAsync(Stream)).Tail.Text;
        }
        first.Kill();
        var streamDir = Path.Combine(dir.Path, "scopes", "rec", "s");
        // checkpoint.json exists from the stream's creation on (StreamConfig.FileSet); no checkpoint moved it yet.
        Assert.Equal(0, SensorStream.Gateway.Storage.Checkpoint.LoadOrEmpty(Path.Combine(streamDir, "checkpoint.json"), 3, mustExist: true).JournalPosition);
        // A power cut loses what was never fsynced: here all segment data (a few stray bytes survive).
        foreach (var segment in Directory.GetFiles(Path.Combine(streamDir, "segments"))) File.WriteAllBytes(segment, [1, 2, 3]);

        await using var second = await first.RestartAsync();
        using var after = new GatewayClient(second.Endpoint.ToString());
        Assert.Equal(tail, (await after.GetStreamInfoAsync(Stream)).Tail.Text);
        var read = (await after.ReadRangeAsync(Stream).ToListAsync()).Select(e => Events.Parse(e.Data).Sequence).Order();
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), read);
    }
}
