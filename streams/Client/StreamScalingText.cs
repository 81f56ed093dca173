using System.Globalization;
using SensorStream.Streams.Protocol;

namespace SensorStream.Streams.Client;

/// <summary>A stream's scaling (GetStreamInfo's <see cref="StreamScalingInfo"/>) as one line for the CLI and logs.</summary>
public static class StreamScalingText
{
    /// <summary>
    /// <c>3 segments (epoch 2, 6 in all); fixed</c> or <c>4 segments (epoch 1, 5 in all); by events/s: target 100 per
    /// segment, factor 2, min 1; measured 412.5 events/s, 40.3 KiB/s; last auto-scale …</c>.
    /// </summary>
    public static string Describe(StreamScalingInfo info)
    {
        var c = CultureInfo.InvariantCulture;
        var text = string.Create(c, $"{info.Segments} segment(s) (epoch {info.Epoch}, {info.TotalSegments} in all); ");
        var policy = info.Policy;
        text += policy is null || policy.ScaleType == ScalingPolicy.Types.ScalingPolicyType.FixedNumSegments
            ? "fixed"
            : string.Create(c, $"by {(policy.ScaleType == ScalingPolicy.Types.ScalingPolicyType.ByRateInEventsPerSec ? "events/s" : "KiB/s")}: target {policy.TargetRate} per segment, factor {policy.ScaleFactor}, min {policy.MinNumSegments}");
        text += string.Create(c, $"; measured {info.EventsPerSecond:0.#} events/s, {info.BytesPerSecond / 1024:0.#} KiB/s");
        if (info.LastAutoScale.Length > 0) text += $"; last auto-scale {info.LastAutoScale}";
        return text;
    }
}
