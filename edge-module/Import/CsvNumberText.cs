using System.Globalization;
using SensorStream.Streams.Events;

namespace SensorStream.EdgeModule.Import;

/// <summary>
/// A CSV field's number as JSON number text (RFC 8259 §6), written from the field's own characters whenever they already
/// are one: a value is carried as written (<c>1.50</c> stays <c>1.50</c>, <c>1e3</c> stays <c>1e3</c>), so it reads back
/// exactly as the text parses (IEEE round-to-nearest, as <c>double.Parse</c>), with no parse-then-format round. A decimal
/// comma becomes a point; a value column's whole number gets <c>.0</c> (<c>-0</c> → <c>-0.0</c>) so that the column stays
/// floating point for every reader (<see cref="SampleBatchJson"/>'s rule). Text that is not already JSON (a leading
/// <c>+</c>, <c>.5</c>, <c>007</c>, surrounding blanks, more than <see cref="MaxCarriedChars"/> characters) is parsed and
/// written as <see cref="DoubleText"/> / an integer writes it, as before; what does not parse — or is not finite — is
/// refused (-1).
/// </summary>
internal static class CsvNumberText
{
    /// <summary>Longest field carried as written: with <c>.0</c> and a comma it stays within <see cref="CsvHeader"/>'s 26 bytes per value.</summary>
    public const int MaxCarriedChars = 23;

    /// <summary>Bytes <paramref name="destination"/> must offer (the longest text either path writes).</summary>
    public const int MaxBytes = DoubleText.MaxLength;

    /// <summary>
    /// Writes a value column's field as a JSON floating-point number into <paramref name="destination"/> (≥ <see cref="MaxBytes"/>
    /// bytes); returns its length, or -1 when the field is not a finite number in this dialect.
    /// </summary>
    public static int Double(ReadOnlySpan<char> field, char decimalSeparator, NumberFormatInfo numbers, Span<byte> destination)
    {
        var n = CarryJson(field, decimalSeparator, destination, out var fraction, out var exponent);
        if (n > 0 && (!exponent || (double.TryParse(destination[..n], NumberStyles.Float, CultureInfo.InvariantCulture, out var e) && double.IsFinite(e))))
        {
            if (fraction || exponent) return n;
            ".0"u8.CopyTo(destination[n..]);
            return n + 2;
        }
        if (!double.TryParse(field, NumberStyles.Float, numbers, out var value) || !double.IsFinite(value)) return -1;
        return DoubleText.Format(value, destination);
    }

    /// <summary>
    /// Writes a non-negative 64-bit integer field (<c>TimestampNanos</c>) as JSON into <paramref name="destination"/>
    /// (≥ 20 bytes); returns its length, or -1 when the field is not one.
    /// </summary>
    public static int NonNegativeInteger(ReadOnlySpan<char> field, Span<byte> destination)
    {
        if (field.Length is > 0 and <= 19 && (field[0] != '0' || field.Length == 1) && !field.ContainsAnyExceptInRange('0', '9') &&
            (field.Length < 19 || field.SequenceCompareTo("9223372036854775807") <= 0))
        {
            for (var i = 0; i < field.Length; i++) destination[i] = (byte)field[i];
            return field.Length;
        }
        if (!long.TryParse(field, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < 0) return -1;
        value.TryFormat(destination, out var written, default, CultureInfo.InvariantCulture);
        return written;
    }

    /// <summary>
    /// Copies <paramref name="field"/> when it matches JSON's number grammar (with <paramref name="decimalSeparator"/>
    /// as its point, written as '.') and has at most <see cref="MaxCarriedChars"/> characters; returns its length, or 0.
    /// </summary>
    private static int CarryJson(ReadOnlySpan<char> field, char decimalSeparator, Span<byte> destination, out bool fraction, out bool exponent)
    {
        fraction = exponent = false;
        if (field.Length is 0 or > MaxCarriedChars) return 0;
        var i = 0;
        if (field[i] == '-') destination[i++] = (byte)'-';
        var digits = Digits(field, ref i, destination);
        if (digits == 0 || (digits > 1 && field[i - digits] == '0')) return 0;
        if (i < field.Length && field[i] == decimalSeparator)
        {
            destination[i++] = (byte)'.';
            if (Digits(field, ref i, destination) == 0) return 0;
            fraction = true;
        }
        if (i < field.Length && field[i] is 'e' or 'E')
        {
            destination[i] = (byte)field[i];
            i++;
            if (i < field.Length && field[i] is '+' or '-')
            {
                destination[i] = (byte)field[i];
                i++;
            }
            if (Digits(field, ref i, destination) == 0) return 0;
            exponent = true;
        }
        return i == field.Length ? i : 0;
    }

    private static int Digits(ReadOnlySpan<char> field, ref int i, Span<byte> destination)
    {
        var start = i;
        while (i < field.Length && char.IsAsciiDigit(field[i]))
        {
            destination[i] = (byte)field[i];
            i++;
        }
        return i - start;
    }
}
