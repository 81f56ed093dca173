namespace SensorStream.Streams.Exporting;

/// <summary>
/// How CSV files are written. <see cref="Rfc4180"/> (the default) is for programs: comma, no byte order mark.
/// <see cref="Spreadsheet"/> adds a UTF-8 byte order mark (without it Excel and LibreOffice may read UTF-8 as a
/// legacy code page) and <see cref="SpreadsheetSemicolon"/> also separates with <c>;</c> (what Excel expects in
/// locales whose decimal mark is a comma). Numbers always use <c>.</c> as the decimal mark.
/// </summary>
public sealed record CsvDialect(char Separator, bool ByteOrderMark)
{
    public static readonly CsvDialect Rfc4180 = new(',', false);
    public static readonly CsvDialect Spreadsheet = new(',', true);
    public static readonly CsvDialect SpreadsheetSemicolon = new(';', true);

    /// <summary>Parses a setting: <c>rfc4180</c>, <c>spreadsheet</c> or <c>spreadsheet-semicolon</c> (case-insensitive).</summary>
    /// <exception cref="FormatException">Any other text, naming the choices.</exception>
    public static CsvDialect Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "rfc4180" => Rfc4180,
        "spreadsheet" => Spreadsheet,
        "spreadsheet-semicolon" => SpreadsheetSemicolon,
        _ => throw new FormatException($"unknown CSV dialect '{text}' (rfc4180, spreadsheet, spreadsheet-semicolon)"),
    };
}
