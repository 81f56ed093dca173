using System.Buffers;
using Parquet;
using Parquet.Schema;

namespace SensorStream.Streams.Exporting;

/// <summary>
/// Parquet with typed columns — STRING, INT64, DOUBLE, and <c>Timestamp</c> as TIMESTAMP(MICROS, UTC) (see
/// <see cref="ExportTimestamps"/>) — required for the fixed columns and optional for every sensor column (so every
/// file of a table version has the same schema), snappy compression, delta-binary-packed integers,
/// dictionary-encoded strings (scalars repeat), plain doubles (sensor readings do not repeat, so dictionaries would
/// only cost), and row groups of whole multiples of DuckDB's 122,880 rows sized from the column count (see <see cref="RowsPerGroup"/>). The table's schema record (JSON) is stored in the
/// file's key-value metadata under <see cref="SchemaMetadataKey"/> when given.
/// </summary>
public static class ParquetExportWriter
{
    /// <summary>Key of the file metadata entry holding the table version's schema record (JSON).</summary>
    public const string SchemaMetadataKey = "sensorstream.schema";

    public static async Task WriteAsync(ExportTable table, Stream output, long targetRowGroupBytes, CancellationToken ct = default) =>
        await WriteAsync(table, output, targetRowGroupBytes, null, ct).ConfigureAwait(false);

    /// <param name="table">The rows.</param>
    /// <param name="output">Receives the file.</param>
    /// <param name="targetRowGroupBytes">Target uncompressed row group size (see <see cref="RowsPerGroup"/>).</param>
    /// <param name="schemaJson">The schema record to store in the file metadata; null for none.</param>
    /// <param name="ct">Cancels the write.</param>
    public static async Task WriteAsync(ExportTable table, Stream output, long targetRowGroupBytes, string? schemaJson, CancellationToken ct = default)
    {
        var fields = table.Columns.Select(Field).ToArray();
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Snappy };
        for (var c = 0; c < fields.Length; c++)
        {
            var hint = table.Columns[c].Kind switch
            {
                ColumnKind.Long => EncodingHint.DeltaBinaryPacked,
                ColumnKind.String => EncodingHint.Dictionary,
                _ => EncodingHint.Default,
            };
            if (hint != EncodingHint.Default) options.ColumnEncodingHints[fields[c].Path.ToString()] = hint;
        }
        var rowsPerGroup = RowsPerGroup(table, targetRowGroupBytes);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), output, options, cancellationToken: ct).ConfigureAwait(false);
        if (schemaJson is not null) writer.CustomMetadata = new Dictionary<string, string> { [SchemaMetadataKey] = schemaJson };
        for (var start = 0; start < table.RowCount; start += rowsPerGroup)
        {
            var count = Math.Min(rowsPerGroup, table.RowCount - start);
            using var group = writer.CreateRowGroup();
            for (var c = 0; c < fields.Length; c++) await WriteColumnAsync(group, fields[c], table.Columns[c], start, count, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// DuckDB's row group: its default <c>ROW_GROUP_SIZE</c> when it writes Parquet, and the unit its scan hands to
    /// one thread (https://duckdb.org/docs/stable/data/parquet/tips). Row groups are whole multiples of it.
    /// </summary>
    public const int RowGroupUnit = 122_880;

    /// <summary>
    /// Rows per group: the most whole <see cref="RowGroupUnit"/>s whose uncompressed values (8 bytes a value as the
    /// estimate) stay within <paramref name="targetRowGroupBytes"/>, at least one unit; the file's last group holds
    /// what remains. Why not one group per file, as the Parquet docs' "512 MB – 1 GB" (sized for HDFS blocks) would
    /// give: a reader scans a row group on one thread (DuckDB), and Parquet.Net holds a whole column chunk in memory
    /// before writing it — with groups of ~8 MiB the file's bytes reach the streamed upload a few MB at a time while
    /// the next group is encoded, and a group's buffers stay a few MB whatever the file's size.
    /// </summary>
    public static int RowsPerGroup(ExportTable table, long targetRowGroupBytes)
    {
        var units = targetRowGroupBytes / (8L * Math.Max(1, table.Columns.Count)) / RowGroupUnit;
        return (int)Math.Clamp(units, 1, int.MaxValue / 2 / RowGroupUnit) * RowGroupUnit;
    }

    private static DataField Field(ExportColumn column) => column.Kind switch
    {
        ColumnKind.String => new DataField<string>(column.Name, column.Optional),
        ColumnKind.Long => column.Optional ? new DataField<long?>(column.Name) : new DataField<long>(column.Name),
        ColumnKind.Double => column.Optional ? new DataField<double?>(column.Name) : new DataField<double>(column.Name),
        ColumnKind.Timestamp => new DateTimeDataField(column.Name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: column.Optional),
        _ => throw new ArgumentOutOfRangeException(nameof(column)),
    };

    private static async Task WriteColumnAsync(ParquetRowGroupWriter group, DataField field, ExportColumn column, int start, int count, CancellationToken ct)
    {
        switch (column.Kind)
        {
            case ColumnKind.String:
                await group.WriteAsync(field, new ArraySegment<string>(column.Strings!, start, count)!).ConfigureAwait(false);
                break;
            case ColumnKind.Timestamp:
                var times = ArrayPool<DateTime>.Shared.Rent(count);
                try
                {
                    for (var i = 0; i < count; i++) times[i] = ExportTimestamps.ToDateTime(column.Longs![start + i]);
                    await group.WriteAsync<DateTime>(field, times.AsMemory(0, count), null, null, ct).ConfigureAwait(false);
                }
                finally
                {
                    ArrayPool<DateTime>.Shared.Return(times);
                }
                break;
            case ColumnKind.Long when column.Present is { } present:
                await WriteNullableAsync(group, field, column.Longs!, present, start, count, ct).ConfigureAwait(false);
                break;
            case ColumnKind.Long:
                await group.WriteAsync<long>(field, column.Longs.AsMemory(start, count), null, null, ct).ConfigureAwait(false);
                break;
            case ColumnKind.Double when column.Present is { } present:
                await WriteNullableAsync(group, field, column.Doubles!, present, start, count, ct).ConfigureAwait(false);
                break;
            default:
                await group.WriteAsync<double>(field, column.Doubles.AsMemory(start, count), null, null, ct).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>An optional column's values as Parquet.Net takes them (nullable), in a pooled array returned after the write.</summary>
    private static async Task WriteNullableAsync<T>(ParquetRowGroupWriter group, DataField field, T[] values, bool[] present, int start, int count, CancellationToken ct)
        where T : struct
    {
        var nullable = ArrayPool<T?>.Shared.Rent(count);
        try
        {
            for (var i = 0; i < count; i++) nullable[i] = present[start + i] ? values[start + i] : null;
            await group.WriteAsync<T>(field, nullable.AsMemory(0, count), null, null, ct).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<T?>.Shared.Return(nullable);
        }
    }
}
