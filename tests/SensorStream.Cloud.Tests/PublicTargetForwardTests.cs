using SensorStream.Cloud.Tests.Infrastructure;
using SensorStream.Streams.BlobStreams;
using SensorStream.Streams.Client;
using SensorStream.Streams.Mirroring;
using SensorStream.Streams.Naming;

namespace SensorStream.Cloud.Tests;

/// <summary>
/// Gateway → gateway forwarding into a target in <c>--protocol public</c> (standing in for a pravega-grpc-gateway in
/// front of a Pravega cluster): the forward job switches to the recorded-cut protocol, and a crash at any point followed
/// by a re-run forwards every event exactly once.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class PublicTargetForwardTests(GatewayFixture fixture, PublicGateway targetGateway) : IClassFixture<PublicGateway>
{
    private readonly GatewayClient _target = targetGateway.Client;

    // A 4 s outcome window (write deadline 2 s): a recovery that finds a recorded write absent rewrites it 4 s after its record.
    private GatewayMirror Forward(StepProbe? probe = null) =>
        new(fixture.Client, _target, new ContainerGate(fixture.Storage.Blobs.GetBlobContainerClient("checkpoints")),
            new MirrorOptions { MaxEvents = 8, OutcomeWindow = TimeSpan.FromSeconds(4), Probe = probe });

    private static StreamName Target(StreamName source) => source with { Stream = source.Stream + "-pub" };

    private static Task DrainAsync(GatewayMirror forward, StreamName from) => Steps.UntilIdleAsync(() => forward.StepAsync(from, Target(from)));

    [Fact]
    public async Task Forwards_every_event_in_order_through_the_public_protocol()
    {
        var events = SourceStreams.Numbered(20);
        var from = await SourceStreams.CreateAsync(fixture.Client, fixture.Storage, "pubfwd", events);
        var forward = Forward();
        var first = await forward.StepAsync(from, Target(from));
        Assert.Contains("one public-protocol transaction", first.Detail);
        await DrainAsync(forward, from);
        SourceStreams.AssertSame(events, await SourceStreams.ReadGatewayAsync(_target, Target(from)));
        var checkpoint = (await forward.Checkpoint(from, Target(from)).ReadAsync(new GatewayMirrorCheckpoint())).Value;
        Assert.Equal((20L, 3L, (PendingWrite?)null), (checkpoint.EventsCommitted, checkpoint.TransactionsCommitted, checkpoint.PendingWrite));
        Assert.Equal((await fixture.Client.GetStreamInfoAsync(from)).Tail.Text, StreamCutCodec.Decode(checkpoint.SourceCut!).Text);
    }

    public static TheoryData<string, int, int> CrashPoints => new()
    {
        { GatewayMirror.Points.AfterReadCheckpoint, 2, 1 },
        { PublicTargetForward.Points.AfterRecord, 1, 1 },
        { PublicTargetForward.Points.AfterRecord, 2, 2 }, // the second job dies in its recovery, after recording the rewrite
        { PublicTargetForward.Points.AfterWrite, 2, 1 },
    };

    /// <summary>
    /// The first job dies at the <paramref name="occurrence"/>-th pass of <paramref name="point"/>; each of the next
    /// <paramref name="jobs"/> − 1 jobs dies at its first pass (which is in the recovery of the range left pending);
    /// then a job runs to the end.
    /// </summary>
    [Theory]
    [MemberData(nameof(CrashPoints))]
    public async Task A_crash_at_any_point_then_a_rerun_forwards_every_event_exactly_once(string point, int occurrence, int jobs)
    {
        var events = SourceStreams.Numbered(20);
        var from = await SourceStreams.CreateAsync(fixture.Client, fixture.Storage, "pubfwdcrash", events);
        for (var job = 0; job < jobs; job++)
        {
            var crash = new Crash(point, job == 0 ? occurrence : 1);
            await Assert.ThrowsAsync<SimulatedCrashException>(() => DrainAsync(Forward(crash.Probe), from));
            if (point != GatewayMirror.Points.AfterReadCheckpoint)
                Assert.NotNull((await Forward().Checkpoint(from, Target(from)).ReadAsync(new GatewayMirrorCheckpoint())).Value.PendingWrite);
        }
        await DrainAsync(Forward(), from);
        SourceStreams.AssertSame(events, await SourceStreams.ReadGatewayAsync(_target, Target(from)));
    }
}
