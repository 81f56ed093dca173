using System.Globalization;

namespace SensorStream.EdgeModule.Configuration;

/// <summary>Durations in settings: <c>250ms</c>, <c>2s</c>, <c>1.5m</c>, <c>1h</c>, or a bare number of milliseconds.</summary>
public static class DurationText
{
    /// <summary>The longest a .NET timer or delay can wait (about 24.8 days): the collector's durations stay within it.</summary>
    public static readonly TimeSpan TimerLimit = TimeSpan.FromMilliseconds(int.MaxValue);

    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        text = text.Trim();
        var (number, scale) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) => (text[..^2], 1.0),
            _ when text.EndsWith('s') || text.EndsWith('S') => (text[..^1], 1000.0),
            _ when text.EndsWith('m') || text.EndsWith('M') => (text[..^1], 60_000.0),
            _ when text.EndsWith('h') || text.EndsWith('H') => (text[..^1], 3_600_000.0),
            _ => (text, 1.0),
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

    public static string Format(TimeSpan value) =>
        value.Ticks % TimeSpan.TicksPerSecond == 0 ? $"{(long)value.TotalSeconds}s" : $"{(long)value.TotalMilliseconds}ms";
}
