using System.Globalization;

namespace SensorStream.Streams.Events;

/// <summary>
/// Invariant, shortest round-trip text of a double that always shows it is floating point: a whole number gets
/// <c>.0</c> (<c>20</c> → <c>20.0</c>), so a reader without a schema (JSON, a CSV sniffer, a spreadsheet) types the
/// column as floating point, not integer. Exponents stay as .NET writes them (<c>1E+300</c>).
/// </summary>
public static class DoubleText
{
    /// <summary>Longest text <see cref="Format"/> writes (R format of a double is at most 25 characters).</summary>
    public const int MaxLength = 32;

    /// <summary>Writes <paramref name="value"/> (finite) as ASCII into <paramref name="destination"/> (≥ <see cref="MaxLength"/> bytes); returns the length.</summary>
    public static int Format(double value, Span<byte> destination)
    {
        value.TryFormat(destination, out var n, "R", CultureInfo.InvariantCulture);
        if (destination[..n].IndexOfAny(".eEIN"u8) < 0)
        {
            ".0"u8.CopyTo(destination[n..]);
            n += 2;
        }
        return n;
    }

    /// <summary>The same text as a string.</summary>
    public static string Format(double value)
    {
        Span<byte> text = stackalloc byte[MaxLength];
        return System.Text.Encoding.ASCII.GetString(text[..Format(value, text)]);
    }
}
