using Parquet;
using Parquet.Schema;

namespace SensorStream.Streams.Exporting;

/// <summary>
/// Parquet with typed columns (string / int64 / double; nullable only where some row has no value), snappy
/// compression, delta-binary-packed integers, dictionary-encoded strings (scalars repeat), plain doubles
/// (sensor readings do not repeat, so dictionaries would only cost), and row groups sized from the column count.
/// </summary>
public static class ParquetExportWriter
{
    public static async Task WriteAsync(ExportTable table, Stream output, long targetRowGroupBytes, CancellationToken ct = default)
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
        for (var start = 0; start < table.RowCount; start += rowsPerGroup)
        {
            var count = Math.Min(rowsPerGroup, table.RowCount - start);
            using var group = writer.CreateRowGroup();
            for (var c = 0; c < fields.Length; c++) await WriteColumnAsync(group, fields[c], table.Columns[c], start, count, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Rows per group so that a group's uncompressed values come near the target (8 bytes a value as the estimate).</summary>
    public static int RowsPerGroup(ExportTable table, long targetRowGroupBytes) =>
        (int)Math.Clamp(targetRowGroupBytes / (8L * Math.Max(1, table.Columns.Count)), 1024, int.MaxValue / 2);

    private static DataField Field(ExportColumn column) => column.Kind switch
    {
        ColumnKind.String => new DataField<string>(column.Name, column.HasNulls),
        ColumnKind.Long => column.HasNulls ? new DataField<long?>(column.Name) : new DataField<long>(column.Name),
        ColumnKind.Double => column.HasNulls ? new DataField<double?>(column.Name) : new DataField<double>(column.Name),
        _ => throw new ArgumentOutOfRangeException(nameof(column)),
    };

    private static async Task WriteColumnAsync(ParquetRowGroupWriter group, DataField field, ExportColumn column, int start, int count, CancellationToken ct)
    {
        switch (column.Kind)
        {
            case ColumnKind.String:
                await group.WriteAsync(field, new ArraySegment<string>(column.Strings!, start, count)!).ConfigureAwait(false);
                break;
            case ColumnKind.Long when column.Present is { } present:
                await group.WriteAsync<long>(field, Nullable(column.Longs!, present, start, count), null, null, ct).ConfigureAwait(false);
                break;
            case ColumnKind.Long:
                await group.WriteAsync<long>(field, column.Longs.AsMemory(start, count), null, null, ct).ConfigureAwait(false);
                break;
            case ColumnKind.Double when column.Present is { } present:
                await group.WriteAsync<double>(field, Nullable(column.Doubles!, present, start, count), null, null, ct).ConfigureAwait(false);
                break;
            default:
                await group.WriteAsync<double>(field, column.Doubles.AsMemory(start, count), null, null, ct).ConfigureAwait(false);
                break;
        }
    }

    private static ReadOnlyMemory<T?> Nullable<T>(T[] values, bool[] present, int start, int count) where T : struct
    {
        var result = new T?[count];
        for (var i = 0; i < count; i++) if (present[start + i]) result[i] = values[start + i];
        return result;
    }
}
