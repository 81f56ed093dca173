using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.Gateway.Storage;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Streams.Protocol;
using static SensorStream.Gateway.Tests.JournalFilesTests; // Options, Batch, Sequences

namespace SensorStream.Gateway.Tests;

/// <summary>
/// Rate scaling policies scale a stream with its measured commit rate — driven by a test clock, not by the machine's
/// speed: up after the rate per segment stays above the target, down after it stays under half of it, with cooldowns
/// in between; the policy and the numbers show in GetStreamInfo and survive a restart.
/// </summary>
public sealed class AutoScalingTests
{
    [Fact]
    public async Task Events_per_second_policy_scales_up_then_down_at_the_times_its_holds_and_cooldowns_allow()
    {
        using var dir = new TempDirectory();
        long now = 0;
        var options = Options(dir.Path) with { Clock = () => Volatile.Read(ref now) };
        await using var store = GatewayStore.Open(options, NullLoggerFactory.Instance);
        await store.CreateScopeAsync("a");
        await store.CreateStreamAsync("a", "s", new StreamConfig(1) { Scaling = new ScalingRule(ScalingKind.EventsPerSecond, 10, 2, 1) });
        var stream = store.Stream("a", "s");

        // 30 events/s for 80 s, then nothing; the upkeep loop's check once a second.
        var changes = new List<(int Second, int Segments)>();
        var decisions = new List<string>();
        var sequence = 0;
        for (var t = 0; t <= 260; t++)
        {
            Volatile.Write(ref now, t * 1000L);
            if (t < 80)
            {
                var txn = stream.Begin(0).Id;
                await stream.AppendAsync(txn, Batch("k" + t % 3, sequence, 30), CancellationToken.None);
                await stream.CommitAsync(txn, CancellationToken.None);
                sequence += 30;
            }
            var before = stream.Epochs.Counts[^1];
            await stream.AutoScaleIfDueAsync();
            if (stream.Epochs.Counts[^1] != before) changes.Add((t, stream.Epochs.Counts[^1]));
            decisions.Add(stream.Scaling().LastDecision);
        }

        // Window 10 s, up after 10 s above target, down after 60 s under half of it on the smaller count, 30 s cooldown:
        // 30/s on 1 segment → 2 at 20 s → 4 at 60 s (7.5/s per segment: inside the band, stays) → idle from 80 s →
        // 2 at 150 s → 1 at 240 s (the minimum).
        Assert.Equal([(20, 2), (60, 4), (150, 2), (240, 1)], changes);
        Assert.StartsWith("measuring", decisions[5]);
        Assert.StartsWith("cooling down after a scale", decisions[30]);
        Assert.Equal("above target since 5 s (30 events/s over 1 segment(s), target 10 per segment)", decisions[15]);
        Assert.Equal("under half the target since 10 s (0 events/s over 4 segment(s), target 10 per segment)", decisions[100]);
        Assert.Equal([1, 2, 4, 2, 1], stream.Epochs.Counts);
        Assert.Contains("to 1: under half the target on 1 segment(s) for 60 s", stream.Scaling().LastAutoScale);
        Assert.Equal(Enumerable.Range(0, 80 * 30).Select(i => (long)i), Sequences(stream));
    }

    [Fact]
    public void The_rate_is_measured_over_the_window_by_the_clock_given()
    {
        var scaler = new AutoScaler(new AutoScalingOptions(), startMs: 0);
        scaler.Record(500, 100, 10_240);
        scaler.Record(9_999, 100, 10_240);
        Assert.Equal((20.0, 2048.0), scaler.Rate(9_999));
        Assert.Equal((10.0, 1024.0), scaler.Rate(10_500)); // second 0 left the window
        Assert.Equal((0.0, 0.0), scaler.Rate(60_000));
        var rule = new ScalingRule(ScalingKind.KilobytesPerSecond, 1, 3, 2);
        Assert.Equal(2.0, rule.RateOf(20, 2048));
        Assert.Equal((2, "below the minimum of 2 (0 KiB/s over 1 segment(s), target 1 per segment)"), scaler.Decide(60_000, 1, rule));
    }

    [Fact]
    public async Task Rate_policies_show_in_GetStreamInfo_scale_to_their_minimum_and_survive_a_restart()
    {
        var stream = new StreamName("a", "rate");
        var gw = await TestGateway.StartAsync();
        try
        {
            await gw.Client.CreateScopeAsync("a");
            var byBytes = new ScalingPolicy { ScaleType = ScalingPolicy.Types.ScalingPolicyType.ByRateInKbytesPerSec, TargetRate = 512, ScaleFactor = 2, MinNumSegments = 2 };
            await gw.Client.Raw.CreateStreamAsync(new CreateStreamRequest { Scope = "a", Stream = "rate", ScalingPolicy = byBytes });
            var info = (await gw.Client.GetStreamInfoAsync(stream)).Scaling!;
            Assert.Equal(byBytes, info.Policy);
            Assert.Equal((0, 2, 2), (info.Epoch, info.Segments, info.TotalSegments));

            // A rate policy with a higher minimum scales up to it at once.
            var byEvents = new ScalingPolicy { ScaleType = ScalingPolicy.Types.ScalingPolicyType.ByRateInEventsPerSec, TargetRate = 100, ScaleFactor = 3, MinNumSegments = 3 };
            await gw.Client.Raw.UpdateStreamAsync(new UpdateStreamRequest { Scope = "a", Stream = "rate", ScalingPolicy = byEvents });
            await gw.Client.WriteEventsAsync(stream, [Events.Make("k", 0, 1000)]);
            info = (await gw.Client.GetStreamInfoAsync(stream)).Scaling!;
            Assert.Equal((byEvents, 1, 3, 5), (info.Policy, info.Epoch, info.Segments, info.TotalSegments));
            Assert.Equal(SegmentRecord.FrameSizeOf(1000), info.TailBytes); // one event, framed
            Assert.StartsWith("3 segment(s) (epoch 1, 5 in all); by events/s: target 100 per segment, factor 3, min 3; measured ",
                StreamScalingText.Describe(info));

            var bad = await Assert.ThrowsAsync<RpcException>(() => gw.Client.Raw.UpdateStreamAsync(new UpdateStreamRequest
            {
                Scope = "a", Stream = "rate",
                ScalingPolicy = new ScalingPolicy { ScaleType = ScalingPolicy.Types.ScalingPolicyType.ByRateInEventsPerSec, TargetRate = 0, ScaleFactor = 2, MinNumSegments = 1 },
            }).ResponseAsync);
            Assert.Equal(StatusCode.InvalidArgument, bad.StatusCode);
            Assert.Contains("target_rate 0 must be > 0", bad.Status.Detail);

            gw = await gw.RestartAsync();
            info = (await gw.Client.GetStreamInfoAsync(stream)).Scaling!;
            Assert.Equal((byEvents, 1, 3), (info.Policy, info.Epoch, info.Segments));

            // A fixed policy ends auto-scaling and sets the count.
            Assert.True(await gw.Client.ScaleStreamAsync(stream, 1));
            info = (await gw.Client.GetStreamInfoAsync(stream)).Scaling!;
            Assert.Equal((ScalingPolicy.Types.ScalingPolicyType.FixedNumSegments, 1, 2, 1), (info.Policy.ScaleType, info.Policy.MinNumSegments, info.Epoch, info.Segments));
            Assert.Equal("", info.LastDecision);
        }
        finally
        {
            await gw.DisposeAsync();
        }
    }
}
