using SensorStream.Cloud.Tests.Infrastructure;
using SensorStream.Streams.BlobStreams;
using SensorStream.Streams.Client;
using SensorStream.Streams.Mirroring;
using SensorStream.Streams.Naming;

namespace SensorStream.Cloud.Tests;

/// <summary>Gateway → gateway (Stream-to-Stream) through a target transaction and an ETag checkpoint.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayMirrorTests(GatewayFixture fixture)
{
    private GatewayMirror Mirror(StepProbe? probe = null) =>
        new(fixture.Client, fixture.Client, new ContainerGate(fixture.Storage.Blobs.GetBlobContainerClient("checkpoints")),
            new MirrorOptions { MaxEvents = 8, Probe = probe });

    private static StreamName Target(StreamName source) => source with { Stream = source.Stream + "-copy" };

    private static Task DrainAsync(GatewayMirror mirror, StreamName from) => Steps.UntilIdleAsync(() => mirror.StepAsync(from, Target(from)));

    [Fact]
    public async Task Forwards_every_event_in_order_and_keeps_its_position_in_the_checkpoint()
    {
        var events = SourceStreams.Numbered(20);
        var from = await SourceStreams.CreateAsync(fixture.Client, fixture.Storage, "fwd", events);
        var mirror = Mirror();
        await DrainAsync(mirror, from);
        SourceStreams.AssertSame(events, await SourceStreams.ReadGatewayAsync(fixture.Client, Target(from)));
        var checkpoint = (await mirror.Checkpoint(from, Target(from)).ReadAsync(new GatewayMirrorCheckpoint())).Value;
        Assert.Equal((20L, 3L, (PendingTransaction?)null), (checkpoint.EventsCommitted, checkpoint.TransactionsCommitted, checkpoint.Pending));
        Assert.Equal((await fixture.Client.GetStreamInfoAsync(from)).Tail.Text, StreamCutCodec.Decode(checkpoint.SourceCut!).Text);
    }

    public static TheoryData<string> CrashPoints => new()
    {
        GatewayMirror.Points.AfterReadCheckpoint,
        GatewayMirror.Points.AfterBegin,
        GatewayMirror.Points.AfterWrite,
        GatewayMirror.Points.AfterRecord,
        GatewayMirror.Points.AfterCommit,
    };

    [Theory]
    [MemberData(nameof(CrashPoints))]
    public async Task A_crash_at_any_point_then_a_rerun_forwards_every_event_exactly_once(string point)
    {
        var events = SourceStreams.Numbered(20);
        var from = await SourceStreams.CreateAsync(fixture.Client, fixture.Storage, "fwdcrash", events);
        var crash = new Crash(point, occurrence: 2);
        await Assert.ThrowsAsync<SimulatedCrashException>(() => DrainAsync(Mirror(crash.Probe), from));
        await DrainAsync(Mirror(), from);
        SourceStreams.AssertSame(events, await SourceStreams.ReadGatewayAsync(fixture.Client, Target(from)));
    }

    [Fact]
    public async Task A_crash_while_the_source_scales_then_a_rerun_forwards_every_event_exactly_once_in_order()
    {
        var from = await SourceStreams.CreateAsync(fixture.Client, fixture.Storage, "fwdscale", SourceStreams.Numbered(10));
        var crash = new Crash(GatewayMirror.Points.AfterRecord, occurrence: 2);
        await Assert.ThrowsAsync<SimulatedCrashException>(() => DrainAsync(Mirror(crash.Probe), from)); // 8 forwarded, 2 recorded
        Assert.True(await fixture.Client.ScaleStreamAsync(from, 4));
        await SourceStreams.AppendAsync(fixture.Client, from, SourceStreams.Numbered(10, from: 10));
        Assert.True(await fixture.Client.ScaleStreamAsync(from, 2));
        await SourceStreams.AppendAsync(fixture.Client, from, SourceStreams.Numbered(3, from: 20));
        await DrainAsync(Mirror(), from);
        SourceStreams.AssertSame(SourceStreams.Numbered(23), await SourceStreams.ReadGatewayAsync(fixture.Client, Target(from)));
    }

    [Fact]
    public async Task A_recorded_transaction_that_aborted_is_written_again_not_lost()
    {
        var events = SourceStreams.Numbered(5);
        var from = await SourceStreams.CreateAsync(fixture.Client, fixture.Storage, "fwdabort", events);
        var crash = new Crash(GatewayMirror.Points.AfterRecord);
        await Assert.ThrowsAsync<SimulatedCrashException>(() => Mirror(crash.Probe).StepAsync(from, Target(from)));
        var pending = (await Mirror().Checkpoint(from, Target(from)).ReadAsync(new GatewayMirrorCheckpoint())).Value.Pending!;
        // What a lease expiry does to a transaction whose committer died.
        Assert.Equal(TransactionState.Aborted, await fixture.Client.AbortTransactionAsync(Target(from), pending.TxnId));

        var recovery = await Mirror().StepAsync(from, Target(from));
        Assert.Contains("dropped Aborted transaction", recovery.Detail);
        await DrainAsync(Mirror(), from);
        SourceStreams.AssertSame(events, await SourceStreams.ReadGatewayAsync(fixture.Client, Target(from)));
    }

    /// <summary>One source transaction of <paramref name="events"/>, committed with writer <c>edge</c>'s time <paramref name="time"/>.</summary>
    private async Task CommitAsync(StreamName stream, IEnumerable<byte[]> events, long time)
    {
        var txn = await fixture.Client.BeginTransactionAsync(stream, TimeSpan.FromMinutes(1));
        await fixture.Client.WriteTransactionEventsAsync(stream, txn, events.Select(e => new OutgoingEvent("k", e)));
        Assert.Equal(TransactionState.Committed, await fixture.Client.CommitTransactionAsync(stream, txn, new WriterTime("edge", time)));
    }

    [Fact]
    public async Task The_target_watermark_follows_the_source_watermark_also_through_a_recovered_commit()
    {
        var from = fixture.Storage.NewStream("fwdmark");
        await fixture.Client.EnsureStreamAsync(from);
        var t0 = TestEvents.BaseNanos;
        await CommitAsync(from, SourceStreams.Numbered(20), t0 + 600_000_000_000);

        // 8 events a transaction: the first two stop short of the tail and report no time; the third reaches it
        // and is recorded, then the job crashes before its commit — the recovered commit reports the source's time.
        var crash = new Crash(GatewayMirror.Points.AfterRecord, occurrence: 3);
        await Assert.ThrowsAsync<SimulatedCrashException>(() => DrainAsync(Mirror(crash.Probe), from));
        Assert.Null((await fixture.Client.GetStreamInfoAsync(Target(from))).Watermark);
        await DrainAsync(Mirror(), from);
        var source = (await fixture.Client.GetStreamInfoAsync(from)).Watermark!;
        Assert.Equal(t0 + 600_000_000_000, source.LowerTimeBound);
        Assert.Equal(source.LowerTimeBound, (await fixture.Client.GetStreamInfoAsync(Target(from))).Watermark!.LowerTimeBound);
        Assert.Equal(source.LowerTimeBound, (await Mirror().Checkpoint(from, Target(from)).ReadAsync(new GatewayMirrorCheckpoint())).Value.WriterTime);

        // The source's writer moves on: so does the target, under the job's one writer id.
        await CommitAsync(from, SourceStreams.Numbered(3, from: 20), t0 + 1_200_000_000_000);
        await DrainAsync(Mirror(), from);
        Assert.Equal(t0 + 1_200_000_000_000, (await fixture.Client.GetStreamInfoAsync(Target(from))).Watermark!.LowerTimeBound);
        SourceStreams.AssertSame(SourceStreams.Numbered(23), await SourceStreams.ReadGatewayAsync(fixture.Client, Target(from)));

        // Idle: the source's writer notes a later time without a commit (Pravega's noteTime); the job, caught up, notes it on the target.
        Assert.True(await fixture.Client.NoteTimeAsync(from, new WriterTime("edge", t0 + 1_800_000_000_000)));
        Assert.Equal(t0 + 1_800_000_000_000, (await fixture.Client.GetStreamInfoAsync(from)).Watermark!.LowerTimeBound);
        var idle = await Mirror().StepAsync(from, Target(from));
        Assert.Equal((StepOutcome.Idle, "caught up; noted event time 2026-11-26T10:30:00.0000000Z on the target"), (idle.Outcome, idle.Detail));
        Assert.Equal(t0 + 1_800_000_000_000, (await fixture.Client.GetStreamInfoAsync(Target(from))).Watermark!.LowerTimeBound);
        Assert.Equal("caught up", (await Mirror().StepAsync(from, Target(from))).Detail);
        SourceStreams.AssertSame(SourceStreams.Numbered(23), await SourceStreams.ReadGatewayAsync(fixture.Client, Target(from)));
    }
}
