using System.Globalization;
using SensorStream.Streams.Events;

namespace SensorStream.EdgeModule.Import;

/// <summary>A CSV row that could not be imported: its 1-based line number, why, and the raw text.</summary>
public sealed record RejectedRow(long Line, string Reason, string Text);

/// <summary>The events a CSV file turns into, and the rows it could not use.</summary>
public sealed record ParsedCsvFile(IReadOnlyList<SampleBatch> Batches, long Rows, IReadOnlyList<RejectedRow> Rejected);

/// <summary>
/// Parses a sensor CSV file: a header row, a <c>TimestampNanos</c> column (ns since the Unix epoch) and numeric
/// value columns, which become double columns. <c>SensorId</c> and <c>Sequence</c> columns (as our own flattened
/// export writes them) are ignored: the importer numbers samples itself. Double-quoted fields are accepted, but a
/// quoted field cannot span lines. Bad rows are returned with their line number and reason; good rows are kept.
/// Events hold at most <c>batchSize</c> rows, fewer when the columns are so many that more would exceed 1 MiB.
/// </summary>
public static class CsvFileParser
{
    public static ParsedCsvFile Parse(string path, string sensorId, long firstSequence, int batchSize)
    {
        using var reader = new StreamReader(path);
        var headerLine = reader.ReadLine();
        if (headerLine is null) return new ParsedCsvFile([], 0, []);
        var (header, problem) = CsvHeader.Parse(headerLine, sensorId);
        if (header is null)
            return new ParsedCsvFile([], 0, [new RejectedRow(1, $"{problem}: the whole file is quarantined", headerLine)]);
        var (names, timeColumn, valueColumns) = (header.Names, header.TimeColumn, header.ValueColumns);
        var rowsPerEvent = Math.Min(batchSize, header.MaxRowsPerEvent);

        var rejected = new List<RejectedRow>();
        var batches = new List<SampleBatch>();
        var timestamps = new List<long>();
        var values = valueColumns.Select(_ => new List<double>()).ToArray();
        var next = firstSequence;
        long line = 1, rows = 0;
        string? text;
        while ((text = reader.ReadLine()) is not null)
        {
            line++;
            if (text.Length == 0) continue;
            var fields = SplitFields(text);
            if (ParseRow(fields, names, timeColumn, valueColumns, out var timestamp, out var row) is { } reason)
            {
                rejected.Add(new RejectedRow(line, reason, text));
                continue;
            }
            rows++;
            timestamps.Add(timestamp);
            for (var c = 0; c < valueColumns.Length; c++) values[c].Add(row[c]);
            if (timestamps.Count == rowsPerEvent) next = Emit();
        }
        if (timestamps.Count > 0) Emit();
        return new ParsedCsvFile(batches, rows, rejected);

        long Emit()
        {
            var batch = new SampleBatch(sensorId, next, [.. timestamps]);
            for (var c = 0; c < valueColumns.Length; c++) batch.WithColumn(names[valueColumns[c]], values[c].ToArray());
            batches.Add(batch);
            timestamps.Clear();
            foreach (var v in values) v.Clear();
            return batch.NextSequence;
        }
    }

    /// <summary>Null when the row is good; otherwise the reason it is not.</summary>
    private static string? ParseRow(List<string>? fields, string[] names, int timeColumn, int[] valueColumns, out long timestamp, out double[] row)
    {
        timestamp = 0;
        row = new double[valueColumns.Length];
        // Read as one line, a quoted field broken over two would lose its rest: refuse both halves instead.
        if (fields is null) return "has a double quote that is never closed (a quoted field cannot span lines)";
        if (fields.Count != names.Length) return $"has {fields.Count} fields, the header has {names.Length}";
        if (!long.TryParse(fields[timeColumn], NumberStyles.Integer, CultureInfo.InvariantCulture, out timestamp) || timestamp < 0)
            return $"{SampleBatch.TimestampField} '{fields[timeColumn]}' is not a non-negative integer (ns since the Unix epoch)";
        for (var c = 0; c < valueColumns.Length; c++)
        {
            var field = fields[valueColumns[c]];
            if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out row[c]) || !double.IsFinite(row[c]))
                return $"column {names[valueColumns[c]]}: '{field}' is not a finite number";
        }
        return null;
    }

    /// <summary>Splits one line on commas; a field may be double-quoted, with "" for a quote inside. Null when a quote is never closed.</summary>
    internal static List<string>? SplitFields(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        if (quoted) return null;
        fields.Add(field.ToString());
        return fields;
    }
}
