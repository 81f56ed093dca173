namespace SensorStream.Streams.Exporting;

public enum ExportFormat
{
    Csv,
    Parquet,
}

public static class ExportFormats
{
    /// <summary>The folder and file extension of a format: <c>csv</c>, <c>parquet</c>.</summary>
    public static string Extension(this ExportFormat format) => format switch
    {
        ExportFormat.Csv => "csv",
        ExportFormat.Parquet => "parquet",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    /// <summary>Parses a comma-separated list such as <c>csv,parquet</c>.</summary>
    public static IReadOnlyList<ExportFormat> ParseList(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(f => Enum.TryParse<ExportFormat>(f, ignoreCase: true, out var v) ? v : throw new FormatException($"unknown export format '{f}' (csv, parquet)"))
            .Distinct().ToList();
}
