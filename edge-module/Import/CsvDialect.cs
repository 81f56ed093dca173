using System.Globalization;
using System.Text;

namespace SensorStream.EdgeModule.Import;

/// <summary>
/// How the CSV files of a directory are written: the field separator (<c>,</c> by default; <c>;</c> where the decimal
/// separator is a comma, as spreadsheet programs in many locales save), the decimal separator of the numbers, and the
/// text encoding. Decoding is strict: a byte sequence the encoding does not define is an error, never U+FFFD.
/// Quoting follows RFC 4180 (a quoted field may hold separators, <c>""</c> and line breaks); CRLF and LF both end a record.
/// </summary>
/// <param name="Separator">Field separator: any character except a double quote, CR or LF.</param>
/// <param name="DecimalSeparator"><c>.</c> or <c>,</c>; must differ from <paramref name="Separator"/>.</param>
/// <param name="EncodingName">A WHATWG/IANA encoding name known to .NET (with the code-page encodings), e.g. <c>utf-8</c> or <c>windows-1252</c>.</param>
public sealed record CsvDialect(char Separator = ',', char DecimalSeparator = '.', string EncodingName = "utf-8")
{
    static CsvDialect() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Comma-separated, decimal point, UTF-8 (a UTF-8 byte-order mark is skipped).</summary>
    public static CsvDialect Default { get; } = new();

    /// <summary>The encoding, throwing <see cref="DecoderFallbackException"/> on bytes it does not define.</summary>
    public Encoding Encoding => Strict(EncodingName);

    /// <summary>How the value columns' numbers are parsed (invariant culture with this dialect's decimal separator).</summary>
    public NumberFormatInfo Numbers => new() { NumberDecimalSeparator = DecimalSeparator.ToString(), NumberGroupSeparator = "\u0001" };

    /// <summary>Null when the dialect is usable; otherwise what is wrong with it.</summary>
    public string? Problem() =>
        Separator is '"' or '\r' or '\n' ? $"separator '{Escape(Separator)}' cannot be a double quote or a line break"
        : DecimalSeparator is not ('.' or ',') ? $"decimal separator '{Escape(DecimalSeparator)}' must be '.' or ','"
        : DecimalSeparator == Separator ? $"the decimal separator and the field separator are both '{Separator}': use --csv-separator ';' with a decimal comma"
        : null;

    /// <summary>The strict encoding for a name; throws <see cref="ArgumentException"/> naming an unknown one.</summary>
    public static Encoding Strict(string name)
    {
        if (name.Trim().Equals("utf-8", StringComparison.OrdinalIgnoreCase) || name.Trim().Equals("utf8", StringComparison.OrdinalIgnoreCase))
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: true);
        try
        {
            return Encoding.GetEncoding(name.Trim(), EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        }
        catch (ArgumentException)
        {
            throw new ArgumentException($"'{name}' is not a known text encoding (e.g. utf-8, windows-1252, iso-8859-1)");
        }
    }

    private static string Escape(char c) => c switch { '\r' => "\\r", '\n' => "\\n", _ => c.ToString() };
}
