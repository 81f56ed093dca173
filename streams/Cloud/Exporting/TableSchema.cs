using System.Globalization;

namespace SensorStream.Streams.Exporting;

/// <summary>
/// A sensor column of an export table: <see cref="Name"/> as exported (after <see cref="Naming.ColumnNames"/>),
/// <see cref="Source"/> the event field it comes from, its type, and its unit when known (documentation only).
/// Every sensor column is nullable.
/// </summary>
public sealed record SchemaColumn(string Name, string Source, ColumnKind Kind, string? Unit = null);

/// <summary>
/// One version of an export table's schema. Every file under <see cref="Folder"/> (<c>{table}/v{version}</c>) has
/// exactly these columns, in this order, with these types: the fixed columns <c>SensorId</c> (STRING),
/// <c>Sequence</c> (INT64), <c>TimestampNanos</c> (INT64, ns since the Unix epoch), <c>Timestamp</c>
/// (TIMESTAMP(MICROS, UTC)) — all required — then <see cref="Columns"/>, all nullable.
/// </summary>
/// <param name="Table">The table name (<see cref="Events.EventSchemas"/>), e.g. <c>nic</c> or <c>csv/plant-a</c>.</param>
/// <param name="Version">1 for the first schema of the table; each change of columns makes the next.</param>
/// <param name="Columns">The sensor columns.</param>
/// <param name="SinceChunk">The chunk of the blob stream holding the first event exported with this version.</param>
/// <param name="Reason">Why this version exists (first seen, declared, column added, type widened).</param>
/// <param name="SinceEvent">
/// That event's index in chunk <c>SinceChunk</c>: the version holds the table's events from this position up to
/// the next version's (<see cref="SchemaEvolution.Holds"/>). 0 in records of exporters before per-event versions,
/// which started a version at the first chunk of the export step that first needed it.
/// </param>
public sealed record TableSchema(string Table, int Version, IReadOnlyList<SchemaColumn> Columns, long SinceChunk, string Reason, int SinceEvent = 0)
{
    /// <summary>The table version's folder below the stream: <c>{table}/v{version}</c>.</summary>
    public string Folder => FolderOf(Table, Version);

    /// <summary>The folder of version <paramref name="version"/> of <paramref name="table"/>: <c>{table}/v{version}</c>.</summary>
    public static string FolderOf(string table, int version) => string.Create(CultureInfo.InvariantCulture, $"{table}/v{version}");

    /// <summary>The column that event field <paramref name="source"/> is exported to, if any.</summary>
    public SchemaColumn? ColumnOf(string source) => Columns.FirstOrDefault(c => c.Source == source);
}
