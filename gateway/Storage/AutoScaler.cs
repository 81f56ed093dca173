namespace SensorStream.Gateway.Storage;

/// <summary>
/// Measures one stream's commit rate and decides when its <see cref="ScalingRule"/> wants another segment count. The
/// rate is the events and bytes committed over the last <see cref="AutoScalingOptions.Window"/> (per-second buckets, by
/// the store's clock — so tests drive it with their own clock). Hysteresis: up only when the rate per segment has stayed
/// above the target for <see cref="AutoScalingOptions.UpHold"/>, down only when it would stay under half the target per
/// segment after the merge for <see cref="AutoScalingOptions.DownHold"/>, nothing for <see cref="AutoScalingOptions.Cooldown"/>
/// after a scale, and no decision before a full window was measured. Up multiplies the count by the scale factor (at
/// least +1), down divides it (at least −1, never below the minimum) — Pravega splits a hot segment into
/// <c>scaleFactor</c> and merges cold neighbours; here every scale covers the whole key space. Thread-safe.
/// </summary>
public sealed class AutoScaler(AutoScalingOptions options, long startMs)
{
    private readonly Lock _lock = new();
    private readonly long[] _events = new long[Math.Max(1, (int)options.Window.TotalSeconds)];
    private readonly long[] _bytes = new long[Math.Max(1, (int)options.Window.TotalSeconds)];
    private readonly long[] _second = new long[Math.Max(1, (int)options.Window.TotalSeconds)];
    private long _measuredSince = startMs;
    private long _aboveSince = -1, _belowSince = -1, _lastScaleMs = long.MinValue / 2;

    /// <summary>Counts a commit round's events and bytes at <paramref name="nowMs"/>.</summary>
    public void Record(long nowMs, long events, long bytes)
    {
        var second = nowMs / 1000;
        lock (_lock)
        {
            var i = (int)(second % _second.Length);
            if (_second[i] != second) (_second[i], _events[i], _bytes[i]) = (second, 0, 0);
            _events[i] += events;
            _bytes[i] += bytes;
        }
    }

    /// <summary>Events/s and bytes/s over the window ending at <paramref name="nowMs"/> (the current second included).</summary>
    public (double EventsPerSecond, double BytesPerSecond) Rate(long nowMs)
    {
        var second = nowMs / 1000;
        long events = 0, bytes = 0;
        lock (_lock)
            for (var i = 0; i < _second.Length; i++)
                if (_second[i] > second - _second.Length && _second[i] <= second)
                    (events, bytes) = (events + _events[i], bytes + _bytes[i]);
        return ((double)events / _second.Length, (double)bytes / _second.Length);
    }

    /// <summary>
    /// The segment count the rule wants now, or null to stay (with why, for the status). <paramref name="segments"/> is
    /// the current epoch's count.
    /// </summary>
    public (int? Target, string Why) Decide(long nowMs, int segments, ScalingRule rule)
    {
        var (eventsPerSecond, bytesPerSecond) = Rate(nowMs);
        var rate = rule.RateOf(eventsPerSecond, bytesPerSecond);
        var measured = $"{rate:0.#} {rule.Unit} over {segments} segment(s), target {rule.TargetRate} per segment";
        lock (_lock)
        {
            if (nowMs - _measuredSince < options.Window.TotalMilliseconds) return (null, $"measuring ({measured})");
            if (nowMs - _lastScaleMs < options.Cooldown.TotalMilliseconds) return (null, $"cooling down after a scale ({measured})");
            var factor = rule.ScaleFactor;
            var up = Math.Min(StreamConfig.SegmentLimit, Math.Max(segments + 1, segments * factor));
            var down = Math.Max(rule.MinSegments, Math.Min(segments - 1, (segments + factor - 1) / factor));
            if (segments < rule.MinSegments)
                return (rule.MinSegments, $"below the minimum of {rule.MinSegments} ({measured})");
            if (rate > (double)rule.TargetRate * segments && up > segments)
            {
                _belowSince = -1;
                if (_aboveSince < 0) _aboveSince = nowMs;
                return nowMs - _aboveSince >= options.UpHold.TotalMilliseconds
                    ? (up, $"above target for {(nowMs - _aboveSince) / 1000} s: {measured}")
                    : (null, $"above target since {(nowMs - _aboveSince) / 1000} s ({measured})");
            }
            _aboveSince = -1;
            if (down < segments && rate < rule.TargetRate * down / 2.0)
            {
                if (_belowSince < 0) _belowSince = nowMs;
                return nowMs - _belowSince >= options.DownHold.TotalMilliseconds
                    ? (down, $"under half the target on {down} segment(s) for {(nowMs - _belowSince) / 1000} s: {measured}")
                    : (null, $"under half the target since {(nowMs - _belowSince) / 1000} s ({measured})");
            }
            _belowSince = -1;
            return (null, $"within target ({measured})");
        }
    }

    /// <summary>A scale happened at <paramref name="nowMs"/>: the cooldown starts, the hold timers restart.</summary>
    public void Scaled(long nowMs)
    {
        lock (_lock) (_lastScaleMs, _aboveSince, _belowSince) = (nowMs, -1, -1);
    }
}

/// <summary>Timing of auto-scaling decisions (see <see cref="AutoScaler"/>).</summary>
public sealed record AutoScalingOptions
{
    /// <summary>The rate is measured over this window (whole seconds).</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the rate must stay above the target before scaling up.</summary>
    public TimeSpan UpHold { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the rate must stay low before scaling down (longer than up: merging is never urgent).</summary>
    public TimeSpan DownHold { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>No decision this long after a scale (readers and writers settle on the new epoch).</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromSeconds(30);
}
