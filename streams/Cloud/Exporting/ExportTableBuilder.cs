using SensorStream.Streams.Events;

namespace SensorStream.Streams.Exporting;

/// <summary>
/// Builds the one table (one schema) of a range of events. Columns appear in order of first appearance, so the same
/// range always gives the same schema. A column seen as long in one event and double in another becomes double;
/// an event whose field clashes with the schema in a way that cannot be reconciled (a scalar where a column is, or a
/// field named like a fixed column) is rejected with the reason, to be dead-lettered, instead of failing the range.
/// </summary>
public static class ExportTableBuilder
{
    public const string SequenceColumn = "Sequence";

    public sealed record Rejected(int Index, string Reason);

    public static (ExportTable Table, IReadOnlyList<Rejected> Rejected) Build(IReadOnlyList<SampleBatch> batches)
    {
        var schema = new List<(string Name, ColumnKind Kind)>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var rejected = new List<Rejected>();
        var accepted = new List<SampleBatch>();
        for (var b = 0; b < batches.Count; b++)
        {
            if (Clash(batches[b], schema, index) is { } reason) rejected.Add(new Rejected(b, reason));
            else
            {
                Extend(batches[b], schema, index);
                accepted.Add(batches[b]);
            }
        }
        return (Fill(accepted, schema, index), rejected);
    }

    private static string? Clash(SampleBatch batch, List<(string Name, ColumnKind Kind)> schema, Dictionary<string, int> index)
    {
        foreach (var name in batch.LongColumns.Select(c => c.Key).Concat(batch.DoubleColumns.Select(c => c.Key)))
        {
            if (name == SequenceColumn) return $"field '{name}' collides with the exported {SequenceColumn} column";
            if (index.TryGetValue(name, out var i) && schema[i].Kind == ColumnKind.String)
                return $"field '{name}' is a per-sample array here but a scalar in an earlier event of this range";
        }
        foreach (var (name, _) in batch.Scalars)
        {
            if (name == SequenceColumn) return $"field '{name}' collides with the exported {SequenceColumn} column";
            if (index.TryGetValue(name, out var i) && schema[i].Kind != ColumnKind.String)
                return $"field '{name}' is a scalar here but a per-sample array in an earlier event of this range";
        }
        return null;
    }

    private static void Extend(SampleBatch batch, List<(string Name, ColumnKind Kind)> schema, Dictionary<string, int> index)
    {
        void Add(string name, ColumnKind kind)
        {
            if (!index.TryGetValue(name, out var i))
            {
                index[name] = schema.Count;
                schema.Add((name, kind));
            }
            else if (kind == ColumnKind.Double && schema[i].Kind == ColumnKind.Long) schema[i] = (name, ColumnKind.Double);
        }
        foreach (var (name, _) in batch.LongColumns) Add(name, ColumnKind.Long);
        foreach (var (name, _) in batch.DoubleColumns) Add(name, ColumnKind.Double);
        foreach (var (name, _) in batch.Scalars) Add(name, ColumnKind.String);
    }

    private static ExportTable Fill(List<SampleBatch> batches, List<(string Name, ColumnKind Kind)> schema, Dictionary<string, int> index)
    {
        var rows = checked(batches.Sum(b => b.Count));
        var sensor = ExportColumn.Create(SampleBatch.SensorIdField, ColumnKind.String, rows, null);
        var sequence = ExportColumn.Create(SequenceColumn, ColumnKind.Long, rows, null);
        var time = ExportColumn.Create(SampleBatch.TimestampField, ColumnKind.Long, rows, null);
        var columns = schema.Select(s => ExportColumn.Create(s.Name, s.Kind, rows, EveryEventHas(batches, s.Name) ? null : new bool[rows])).ToArray();
        var at = 0;
        foreach (var batch in batches)
        {
            var n = batch.Count;
            Array.Fill(sensor.Strings!, batch.SensorId, at, n);
            for (var k = 0; k < n; k++) sequence.Longs![at + k] = batch.FirstSequence + k;
            batch.TimestampNanos.CopyTo(time.Longs!, at);
            foreach (var (name, values) in batch.LongColumns)
            {
                var column = columns[index[name]];
                if (column.Kind == ColumnKind.Long) values.CopyTo(column.Longs!, at);
                else for (var k = 0; k < n; k++) column.Doubles![at + k] = values[k];
                if (column.Present is { } p) Array.Fill(p, true, at, n);
            }
            foreach (var (name, values) in batch.DoubleColumns)
            {
                var column = columns[index[name]];
                values.CopyTo(column.Doubles!, at);
                if (column.Present is { } p) Array.Fill(p, true, at, n);
            }
            foreach (var (name, value) in batch.Scalars)
            {
                var column = columns[index[name]];
                Array.Fill(column.Strings!, value, at, n);
                if (column.Present is { } p) Array.Fill(p, true, at, n);
            }
            at += n;
        }
        return new ExportTable([sensor, sequence, time, .. columns], rows);
    }

    private static bool EveryEventHas(List<SampleBatch> batches, string name) =>
        batches.All(b => b.Count == 0 || b.LongColumn(name) is not null || b.DoubleColumn(name) is not null || b.Scalar(name) is not null);
}
