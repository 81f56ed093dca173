using System.Text;

namespace SensorStream.Streams.Configuration;

/// <summary>
/// Errors quote the bad value, and the entry point prints them as one line: a line break, NUL or other control
/// character inside the value is shown escaped (<c>\n</c>, <c>\u0000</c>) instead of breaking or hiding that line.
/// </summary>
public static class OneLine
{
    /// <summary>The text with line breaks, NUL and other control characters shown escaped.</summary>
    public static string Of(string text)
    {
        if (!text.Any(Breaks)) return text;
        var shown = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            shown.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when Breaks(c) => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        }
        return shown.ToString();
    }

    private static bool Breaks(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';
}
