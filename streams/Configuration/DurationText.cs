using System.Globalization;

namespace SensorStream.Streams.Configuration;

/// <summary>
/// Durations as people type them in flags and settings: <c>250ms</c>, <c>2s</c>, <c>1.5m</c>, <c>1h</c>, or a bare
/// number in a unit the caller chooses (the collector's settings read milliseconds, the CLI's <c>--duration</c> seconds).
/// One parser for every component, so <c>5m</c> means the same everywhere.
/// </summary>
public static class DurationText
{
    /// <summary>The longest a .NET timer or delay can wait (about 24.8 days).</summary>
    public static readonly TimeSpan TimerLimit = TimeSpan.FromMilliseconds(int.MaxValue);

    /// <summary>False for anything that is not a finite, non-negative duration a <see cref="TimeSpan"/> can hold.</summary>
    public static bool TryParse(string? text, TimeSpan bareNumberUnit, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        var (number, scale) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) => (text[..^2], 1.0),
            _ when text.EndsWith('s') || text.EndsWith('S') => (text[..^1], 1000.0),
            _ when text.EndsWith('m') || text.EndsWith('M') => (text[..^1], 60_000.0),
            _ when text.EndsWith('h') || text.EndsWith('H') => (text[..^1], 3_600_000.0),
            _ => (text, bareNumberUnit.TotalMilliseconds),
        };
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || !double.IsFinite(n) || n < 0) return false;
        try
        {
            value = TimeSpan.FromMilliseconds(n * scale);
        }
        catch (OverflowException)
        {
            return false; // longer than a TimeSpan holds (e.g. 1e300h)
        }
        return true;
    }

    /// <summary>A duration in milliseconds as the parser reads it back, in the largest whole unit: <c>10ms</c>, <c>1s</c>, <c>10m</c>, <c>1h</c>.</summary>
    public static string Format(double milliseconds)
    {
        foreach (var (unit, scale) in new[] { ("h", 3_600_000.0), ("m", 60_000.0), ("s", 1000.0) })
            if (milliseconds >= scale && milliseconds % scale == 0) return (milliseconds / scale).ToString(CultureInfo.InvariantCulture) + unit;
        return milliseconds.ToString(CultureInfo.InvariantCulture) + "ms";
    }
}
