using SensorStream.Streams.Events;
using SensorStream.Streams.Naming;

namespace SensorStream.Streams.Exporting;

/// <summary>
/// Decides the table version of every event, in stream order. Never silent, never a dead letter:
/// <list type="bullet">
/// <item>A table seen for the first time gets version 1: the declared columns of a built-in kind
/// (<see cref="BuiltInSchemas"/>), then the fields of its first event in their order.</item>
/// <item>An event with a field its table does not have (compatible change) makes the next version, starting at that
/// event: every column kept in place, the new ones appended (nullable).</item>
/// <item>An event whose field has a type its column cannot hold makes the next version, starting at that event, with
/// the column widened: INT64 → DOUBLE → STRING (a number where text was, or text where numbers were, becomes STRING).
/// Older versions keep their files and types; a file is never rewritten, and no folder ever mixes types (which
/// would make readers cast silently).</item>
/// <item>An event that fits its table's newest version goes to it; a field it lacks is empty (null) in its rows.</item>
/// <item>A field's exported name follows <see cref="ColumnNames"/> (unique without regard to case; fixed columns
/// and partition keys renamed with <c>_1</c>, …) and keeps it in every later version.</item>
/// </list>
/// So a version starts exactly where the stream first needs it (<see cref="TableSchema.SinceChunk"/>,
/// <see cref="TableSchema.SinceEvent"/>) and every event at or after that position, before the next version's start,
/// belongs to it (<see cref="Holds"/>) — whatever export steps the stream is cut into, and planning a range again
/// from the tables it started with gives the very same versions (a retried range writes the very same files).
/// </summary>
public static class SchemaEvolution
{
    /// <summary>The tables after <paramref name="batches"/> (one newest version per table), and one note per new version.</summary>
    /// <remarks>For tests and benchmarks: batch <c>i</c> is taken to be event <c>i</c> of chunk <paramref name="fromChunk"/>.</remarks>
    public static (IReadOnlyList<TableSchema> Tables, IReadOnlyList<string> Notes) Plan(
        IReadOnlyList<TableSchema> current, IEnumerable<SampleBatch> batches, long fromChunk) =>
        Plan(current, batches, fromChunk, EventSchemas.TableOf);

    /// <summary>As <see cref="Plan(IReadOnlyList{TableSchema}, IEnumerable{SampleBatch}, long)"/>, with the table of each event given by <paramref name="tableOf"/>.</summary>
    public static (IReadOnlyList<TableSchema> Tables, IReadOnlyList<string> Notes) Plan(
        IReadOnlyList<TableSchema> current, IEnumerable<SampleBatch> batches, long fromChunk, Func<SampleBatch, string> tableOf)
    {
        var plan = Plan(current, batches.Select((b, i) => new PositionedBatch(b, fromChunk, i)), tableOf);
        return (plan.Tables, plan.Notes);
    }

    /// <summary>
    /// The version of every batch of <paramref name="batches"/> (in stream order), starting from the newest versions
    /// <paramref name="current"/>, with the table of each event given by <paramref name="tableOf"/>.
    /// </summary>
    public static SchemaPlan Plan(IReadOnlyList<TableSchema> current, IEnumerable<PositionedBatch> batches, Func<SampleBatch, string> tableOf)
    {
        var tables = current.ToDictionary(t => t.Table, StringComparer.Ordinal);
        var order = current.Select(t => t.Table).ToList();
        var versions = new List<TableSchema>();
        var notes = new List<string>();
        foreach (var (batch, chunk, @event) in batches)
        {
            var table = tableOf(batch);
            if (!tables.TryGetValue(table, out var schema))
            {
                var declared = BuiltInSchemas.Of(table);
                var changes = new List<string>();
                var columns = Evolve(declared ?? [], batch, changes) ?? [.. declared ?? []];
                var reason = declared is null ? "first seen" : changes.Count == 0 ? "declared columns" : "declared columns, " + string.Join("; ", changes);
                tables[table] = schema = new TableSchema(table, 1, columns, chunk, reason, @event);
                order.Add(table);
                notes.Add($"table {table} v1: {reason} ({string.Join(", ", columns.Select(c => $"{c.Name} {c.Kind}"))})");
            }
            else
            {
                var changes = new List<string>();
                if (Evolve(schema.Columns, batch, changes) is { } columns)
                {
                    var reason = string.Join("; ", changes);
                    tables[table] = schema = new TableSchema(table, schema.Version + 1, columns, chunk, reason, @event);
                    notes.Add($"table {table} v{schema.Version}: {reason}");
                }
            }
            versions.Add(schema);
        }
        return new SchemaPlan(order.Select(t => tables[t]).ToList(), notes, versions);
    }

    /// <summary>
    /// Whether the event at <paramref name="chunk"/>/<paramref name="event"/> belongs to <paramref name="version"/>
    /// of its table, given the table's next version <paramref name="next"/> (null when <paramref name="version"/> is
    /// the newest): it is at or after the version's start and before the next one's.
    /// </summary>
    public static bool Holds(TableSchema version, TableSchema? next, long chunk, int @event) =>
        !Before(chunk, @event, version) && (next is null || Before(chunk, @event, next));

    private static bool Before(long chunk, int @event, TableSchema version) =>
        chunk < version.SinceChunk || (chunk == version.SinceChunk && @event < version.SinceEvent);

    /// <summary>The narrowest type that holds both: equal kinds stay, INT64 and DOUBLE make DOUBLE, anything with STRING makes STRING.</summary>
    public static ColumnKind Widen(ColumnKind a, ColumnKind b) =>
        a == b ? a : a == ColumnKind.String || b == ColumnKind.String ? ColumnKind.String : ColumnKind.Double;

    /// <summary>
    /// The columns of <paramref name="columns"/> with <paramref name="batch"/>'s fields added or widened (each change
    /// described in <paramref name="changes"/>), or null when every field fits as it is.
    /// </summary>
    private static List<SchemaColumn>? Evolve(IReadOnlyList<SchemaColumn> columns, SampleBatch batch, List<string> changes)
    {
        List<SchemaColumn>? evolved = null;
        foreach (var (name, _) in batch.LongColumns) Merge(columns, ref evolved, changes, name, ColumnKind.Long);
        foreach (var (name, _) in batch.DoubleColumns) Merge(columns, ref evolved, changes, name, ColumnKind.Double);
        foreach (var (name, _) in batch.Scalars) Merge(columns, ref evolved, changes, name, ColumnKind.String);
        return evolved;
    }

    private static void Merge(IReadOnlyList<SchemaColumn> original, ref List<SchemaColumn>? evolved, List<string> changes, string source, ColumnKind kind)
    {
        var columns = (IReadOnlyList<SchemaColumn>?)evolved ?? original;
        var i = -1;
        for (var c = 0; c < columns.Count && i < 0; c++) if (columns[c].Source == source) i = c;
        if (i >= 0 && Widen(columns[i].Kind, kind) == columns[i].Kind) return;
        evolved ??= [.. original];
        if (i < 0)
        {
            var taken = ColumnNames.NewTakenSet();
            foreach (var c in evolved) taken.Add(c.Name);
            var name = ColumnNames.Assign(source, taken);
            evolved.Add(new SchemaColumn(name, source, kind));
            changes.Add(name == source ? $"added column {name} ({kind})" : $"added column {name} ({kind}) for field '{source}', renamed by the column name rules");
            return;
        }
        var widened = Widen(evolved[i].Kind, kind);
        changes.Add($"column {evolved[i].Name} widened from {evolved[i].Kind} to {widened}");
        evolved[i] = evolved[i] with { Kind = widened };
    }
}
