using SensorStream.Gateway.Storage;
using SensorStream.Streams.Protocol;

namespace SensorStream.Gateway.Service;

/// <summary>Wire scaling policy ↔ store scaling rule, and the scaling status GetStreamInfo reports.</summary>
public static class ScalingMapping
{
    /// <summary>
    /// The rule of a wire policy: FIXED_NUM_SEGMENTS → <see cref="ScalingKind.Fixed"/> (min_num_segments is the
    /// count), BY_RATE_IN_EVENTS_PER_SEC / BY_RATE_IN_KBYTES_PER_SEC → a rate rule (checked: <see cref="ScalingRule.Problem"/>).
    /// A negative min_num_segments is INVALID_ARGUMENT (Pravega's <c>ScalingPolicy</c> needs at least one segment); 0 keeps
    /// its documented meaning (CreateStream: 1 segment, as the public gateway's <c>max(1, n)</c>; UpdateStream: segments left alone).
    /// </summary>
    /// <exception cref="StoreException">INVALID_ARGUMENT for an unknown type, a negative count or a bad rate rule.</exception>
    public static ScalingRule FromWire(ScalingPolicy policy)
    {
        if (policy.MinNumSegments < 0)
            throw new StoreException(StoreError.InvalidArgument,
                $"scaling_policy.min_num_segments {policy.MinNumSegments} is negative: a stream needs at least 1 segment (0 = CreateStream's default of 1, UpdateStream's 'leave the segments alone')");
        var kind = policy.ScaleType switch
        {
            ScalingPolicy.Types.ScalingPolicyType.FixedNumSegments => ScalingKind.Fixed,
            ScalingPolicy.Types.ScalingPolicyType.ByRateInEventsPerSec => ScalingKind.EventsPerSecond,
            ScalingPolicy.Types.ScalingPolicyType.ByRateInKbytesPerSec => ScalingKind.KilobytesPerSecond,
            var other => throw new StoreException(StoreError.InvalidArgument, $"scaleType {other} is not supported"),
        };
        var rule = new ScalingRule(kind, policy.TargetRate, policy.ScaleFactor, Math.Max(1, policy.MinNumSegments));
        return rule.Problem() is { } problem ? throw new StoreException(StoreError.InvalidArgument, problem) : rule;
    }

    /// <summary>GetStreamInfo's scaling block: the rate policy, or FIXED with the current count.</summary>
    public static StreamScalingInfo ToWire(ScalingStatus status) => new()
    {
        Policy = status.Rule is { } rule
            ? new ScalingPolicy
            {
                ScaleType = rule.Kind == ScalingKind.EventsPerSecond
                    ? ScalingPolicy.Types.ScalingPolicyType.ByRateInEventsPerSec
                    : ScalingPolicy.Types.ScalingPolicyType.ByRateInKbytesPerSec,
                TargetRate = rule.TargetRate,
                ScaleFactor = rule.ScaleFactor,
                MinNumSegments = rule.MinSegments,
            }
            : new ScalingPolicy { ScaleType = ScalingPolicy.Types.ScalingPolicyType.FixedNumSegments, MinNumSegments = status.Segments },
        Epoch = status.Epoch,
        Segments = status.Segments,
        TotalSegments = status.TotalSegments,
        EventsPerSecond = status.EventsPerSecond,
        BytesPerSecond = status.BytesPerSecond,
        LastDecision = status.LastDecision,
        LastAutoScale = status.LastAutoScale,
        TailBytes = status.TailBytes,
        HeadBytes = status.HeadBytes,
    };
}
