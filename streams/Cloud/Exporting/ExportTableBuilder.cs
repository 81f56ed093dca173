using SensorStream.Streams.Events;

namespace SensorStream.Streams.Exporting;

/// <summary>
/// Builds the rows of one table version from the events of a range: the fixed columns (<c>SensorId</c>,
/// <c>Sequence</c>, <c>TimestampNanos</c>, <c>Timestamp</c>), then exactly the schema's columns in its order, each
/// nullable; a field is converted to its column's (possibly widened) type — INT64 to DOUBLE, a number to its
/// invariant text for STRING. The schema must cover every field (<see cref="SchemaEvolution.Plan"/> guarantees it).
/// </summary>
public static class ExportTableBuilder
{
    public const string SequenceColumn = "Sequence";
    public const string TimestampColumn = "Timestamp";

    /// <summary>The rows of <paramref name="batches"/> (all of <paramref name="schema"/>'s table), in order.</summary>
    /// <exception cref="InvalidOperationException">A field the schema does not hold (a bug in the caller).</exception>
    public static ExportTable Build(TableSchema schema, IReadOnlyList<SampleBatch> batches)
    {
        var rows = checked(batches.Sum(b => b.Count));
        var sensor = ExportColumn.Create(SampleBatch.SensorIdField, ColumnKind.String, rows, optional: false);
        var sequence = ExportColumn.Create(SequenceColumn, ColumnKind.Long, rows, optional: false);
        var nanos = ExportColumn.Create(SampleBatch.TimestampField, ColumnKind.Long, rows, optional: false);
        var time = ExportColumn.Required(TimestampColumn, ColumnKind.Timestamp, nanos.Longs!);
        var columns = schema.Columns.Select(c => ExportColumn.Create(c.Name, c.Kind, rows, optional: true)).ToArray();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var c = 0; c < schema.Columns.Count; c++) index[schema.Columns[c].Source] = c;
        ExportColumn ColumnFor(string source) => index.TryGetValue(source, out var c)
            ? columns[c] : throw new InvalidOperationException($"field '{source}' is not in table {schema.Folder}");

        var at = 0;
        foreach (var batch in batches)
        {
            var n = batch.Count;
            Array.Fill(sensor.Strings!, batch.SensorId, at, n);
            for (var k = 0; k < n; k++) sequence.Longs![at + k] = batch.FirstSequence + k;
            batch.TimestampNanos.CopyTo(nanos.Longs!, at);
            foreach (var (name, values) in batch.LongColumns)
            {
                var column = ColumnFor(name);
                switch (column.Kind)
                {
                    case ColumnKind.Long: values.CopyTo(column.Longs!, at); break;
                    case ColumnKind.Double: for (var k = 0; k < n; k++) column.Doubles![at + k] = values[k]; break;
                    default: for (var k = 0; k < n; k++) column.Strings![at + k] = values[k].ToString(System.Globalization.CultureInfo.InvariantCulture); break;
                }
                Array.Fill(column.Present!, true, at, n);
            }
            foreach (var (name, values) in batch.DoubleColumns)
            {
                var column = ColumnFor(name);
                if (column.Kind == ColumnKind.Double) values.CopyTo(column.Doubles!, at);
                else for (var k = 0; k < n; k++) column.Strings![at + k] = DoubleText.Format(values[k]);
                Array.Fill(column.Present!, true, at, n);
            }
            foreach (var (name, value) in batch.Scalars)
            {
                var column = ColumnFor(name);
                Array.Fill(column.Strings!, value, at, n);
                Array.Fill(column.Present!, true, at, n);
            }
            at += n;
        }
        return new ExportTable([sensor, sequence, nanos, time, .. columns], rows);
    }

    /// <summary>
    /// Rows of events that all go to one table whose schema is inferred from them alone (writers' tests and
    /// benchmarks): <see cref="SchemaEvolution.Plan"/> from nothing, every event in table <paramref name="table"/>.
    /// </summary>
    public static ExportTable Build(IReadOnlyList<SampleBatch> batches, string table = "t") =>
        Build(SchemaEvolution.Plan([], batches, 0, _ => table).Tables.Single(), batches);
}
