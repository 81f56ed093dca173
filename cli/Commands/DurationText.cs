using System.Globalization;

namespace SensorStream.Cli.Commands;

/// <summary>Parses durations like <c>60s</c>, <c>2m</c>, <c>1h</c>, <c>500ms</c> or plain seconds.</summary>
public static class DurationText
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        (string suffix, double scale)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        foreach (var (suffix, scale) in units)
        {
            if (!text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) continue;
            if (suffix == "s" && text.EndsWith("ms", StringComparison.OrdinalIgnoreCase)) continue;
            if (!double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || n <= 0) return false;
            value = TimeSpan.FromSeconds(n * scale);
            return true;
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
        {
            value = TimeSpan.FromSeconds(seconds);
            return true;
        }
        return false;
    }
}
