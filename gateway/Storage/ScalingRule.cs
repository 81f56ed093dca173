namespace SensorStream.Gateway.Storage;

/// <summary>What a stream's scaling follows: a fixed segment count, or a rate per segment (Pravega's scaling policies).</summary>
public enum ScalingKind { Fixed, EventsPerSecond, KilobytesPerSecond }

/// <summary>
/// A stream's auto-scaling rule (Pravega's <c>ScalingPolicy.byEventRate</c> / <c>byDataRate</c>): keep each segment near
/// <see cref="TargetRate"/> (events/s, or KiB/s) by scaling the stream up or down by <see cref="ScaleFactor"/>, never
/// below <see cref="MinSegments"/>. Kept in <c>stream.json</c>; the decisions are <see cref="AutoScaler"/>'s.
/// </summary>
public sealed record ScalingRule(ScalingKind Kind, int TargetRate, int ScaleFactor, int MinSegments)
{
    /// <summary>
    /// Null when the rule is valid, else what is wrong (the gRPC layer answers INVALID_ARGUMENT with it): a rate rule
    /// needs target_rate &gt; 0 and scale_factor &gt; 0 (as Pravega's ScalingPolicy checks), and min_num_segments in 1..1024.
    /// </summary>
    public string? Problem() =>
        Kind == ScalingKind.Fixed ? null :
        TargetRate <= 0 ? $"target_rate {TargetRate} must be > 0 for a rate scaling policy" :
        ScaleFactor <= 0 ? $"scale_factor {ScaleFactor} must be > 0 for a rate scaling policy" :
        MinSegments is < 1 or > StreamConfig.SegmentLimit ? $"min_num_segments {MinSegments} is out of range (1..{StreamConfig.SegmentLimit})" : null;

    /// <summary>The rate this rule measures: events/s, or KiB/s.</summary>
    public double RateOf(double eventsPerSecond, double bytesPerSecond) =>
        Kind == ScalingKind.EventsPerSecond ? eventsPerSecond : bytesPerSecond / 1024;

    /// <summary>Unit of <see cref="TargetRate"/> for logs and status.</summary>
    public string Unit => Kind == ScalingKind.EventsPerSecond ? "events/s" : "KiB/s";
}
