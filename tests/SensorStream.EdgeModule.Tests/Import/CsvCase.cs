namespace SensorStream.EdgeModule.Tests.Import;

/// <summary>A sample the importer must queue: its timestamp and the values of the file's value columns, in header order.</summary>
internal sealed record ExpectedRow(long Timestamp, double[] Values);

/// <summary>A line the importer must quarantine: its 1-based line number, a word its reason must contain ("" = any), its text (null = unknown).</summary>
internal sealed record ExpectedBadLine(long Line, string Hint, string? Text);

/// <summary>
/// A generated CSV file and what the importer must make of it. <see cref="Rows"/> is null when the body is random
/// bytes: then only the accounting is known — each of its <see cref="NonBlankLines"/> is either queued or quarantined.
/// </summary>
internal sealed record CsvCase(
    string Kind,
    byte[] Bytes,
    IReadOnlyList<string> Columns,
    IReadOnlyList<ExpectedRow>? Rows,
    IReadOnlyList<ExpectedBadLine> BadLines,
    int NonBlankLines = 0)
{
    /// <summary>The header itself is refused: nothing of the file is queued and the report holds line 1 only.</summary>
    public bool WholeFileBad => BadLines is [{ Line: 1 }];
}
