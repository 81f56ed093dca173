using SensorStream.Streams.Events;
using SensorStream.Streams.Naming;

namespace SensorStream.Streams.Exporting;

/// <summary>
/// Decides the table versions a range of events is written with. Never silent, never a dead letter:
/// <list type="bullet">
/// <item>A table seen for the first time gets version 1: the declared columns of a built-in kind
/// (<see cref="BuiltInSchemas"/>), then the fields of its events in order of first appearance.</item>
/// <item>A new field (compatible change) makes the next version: every column kept in place, the new one appended (nullable).</item>
/// <item>A type change makes the next version with the column widened: INT64 → DOUBLE → STRING (a number where
/// text was, or text where numbers were, becomes STRING). Older versions keep their files and types; a file is
/// never rewritten, and no folder ever mixes types (which would make readers cast silently).</item>
/// <item>A field's exported name follows <see cref="ColumnNames"/> (unique without regard to case; fixed columns
/// and partition keys renamed with <c>_1</c>, …) and keeps it in every later version.</item>
/// </list>
/// Every batch of a range is written with the newest version of its table after the whole range is planned, so
/// planning the same range again over the result changes nothing (a retried range writes the very same files).
/// </summary>
public static class SchemaEvolution
{
    /// <summary>The tables after <paramref name="batches"/> (one newest version per table), and one note per new version.</summary>
    public static (IReadOnlyList<TableSchema> Tables, IReadOnlyList<string> Notes) Plan(
        IReadOnlyList<TableSchema> current, IEnumerable<SampleBatch> batches, long fromChunk) =>
        Plan(current, batches, fromChunk, EventSchemas.TableOf);

    /// <summary>As <see cref="Plan(IReadOnlyList{TableSchema}, IEnumerable{SampleBatch}, long)"/>, with the table of each event given by <paramref name="tableOf"/>.</summary>
    public static (IReadOnlyList<TableSchema> Tables, IReadOnlyList<string> Notes) Plan(
        IReadOnlyList<TableSchema> current, IEnumerable<SampleBatch> batches, long fromChunk, Func<SampleBatch, string> tableOf)
    {
        var tables = current.ToDictionary(t => t.Table, StringComparer.Ordinal);
        var order = current.Select(t => t.Table).ToList();
        var working = new Dictionary<string, (List<SchemaColumn> Columns, List<string> Changes)>(StringComparer.Ordinal);
        foreach (var batch in batches)
        {
            var table = tableOf(batch);
            if (!working.TryGetValue(table, out var w))
            {
                var start = tables.TryGetValue(table, out var existing) ? existing.Columns : BuiltInSchemas.Of(table) ?? [];
                working[table] = w = ([.. start], []);
                if (existing is null) order.Add(table);
            }
            foreach (var (name, _) in batch.LongColumns) Merge(w.Columns, w.Changes, name, ColumnKind.Long);
            foreach (var (name, _) in batch.DoubleColumns) Merge(w.Columns, w.Changes, name, ColumnKind.Double);
            foreach (var (name, _) in batch.Scalars) Merge(w.Columns, w.Changes, name, ColumnKind.String);
        }
        var notes = new List<string>();
        foreach (var (table, (columns, changes)) in working)
        {
            if (tables.TryGetValue(table, out var existing))
            {
                if (changes.Count == 0) continue;
                var reason = string.Join("; ", changes);
                tables[table] = new TableSchema(table, existing.Version + 1, columns, fromChunk, reason);
                notes.Add($"table {table} v{existing.Version + 1}: {reason}");
            }
            else
            {
                var reason = BuiltInSchemas.Of(table) is { } declared
                    ? changes.Count == 0 ? "declared columns" : "declared columns, " + string.Join("; ", changes)
                    : "first seen";
                tables[table] = new TableSchema(table, 1, columns, fromChunk, reason);
                notes.Add($"table {table} v1: {reason} ({string.Join(", ", columns.Select(c => $"{c.Name} {c.Kind}"))})");
            }
        }
        return (order.Select(t => tables[t]).ToList(), notes);
    }

    /// <summary>The narrowest type that holds both: equal kinds stay, INT64 and DOUBLE make DOUBLE, anything with STRING makes STRING.</summary>
    public static ColumnKind Widen(ColumnKind a, ColumnKind b) =>
        a == b ? a : a == ColumnKind.String || b == ColumnKind.String ? ColumnKind.String : ColumnKind.Double;

    private static void Merge(List<SchemaColumn> columns, List<string> changes, string source, ColumnKind kind)
    {
        var i = columns.FindIndex(c => c.Source == source);
        if (i < 0)
        {
            var taken = ColumnNames.NewTakenSet();
            foreach (var c in columns) taken.Add(c.Name);
            var name = ColumnNames.Assign(source, taken);
            columns.Add(new SchemaColumn(name, source, kind));
            changes.Add(name == source ? $"added column {name} ({kind})" : $"added column {name} ({kind}) for field '{source}', renamed by the column name rules");
            return;
        }
        var widened = Widen(columns[i].Kind, kind);
        if (widened == columns[i].Kind) return;
        changes.Add($"column {columns[i].Name} widened from {columns[i].Kind} to {widened}");
        columns[i] = columns[i] with { Kind = widened };
    }
}
