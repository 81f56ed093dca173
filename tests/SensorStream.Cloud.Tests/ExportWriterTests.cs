using System.Text;
using Parquet;
using SensorStream.Streams.Events;
using SensorStream.Streams.Exporting;

namespace SensorStream.Cloud.Tests;

/// <summary>The table, CSV and Parquet writers without storage.</summary>
public sealed class ExportWriterTests
{
    private static ExportTable Table(params SampleBatch[] batches)
    {
        var (table, rejected) = ExportTableBuilder.Build(batches);
        Assert.Empty(rejected);
        return table;
    }

    [Fact]
    public void Table_has_fixed_columns_then_event_columns_in_first_seen_order_with_nulls_where_absent()
    {
        var nic = new SampleBatch("nic", 10, [1, 2]).WithScalar("Interface", "eth0").WithColumn("RxBytes", new long[] { 5, 6 });
        var accel = new SampleBatch("acc", 0, [3]).WithColumn("X", new[] { 1.5 });
        var table = Table(nic, accel);
        Assert.Equal(["SensorId", "Sequence", "TimestampNanos", "RxBytes", "Interface", "X"], table.Columns.Select(c => c.Name));
        Assert.Equal([ColumnKind.String, ColumnKind.Long, ColumnKind.Long, ColumnKind.Long, ColumnKind.String, ColumnKind.Double], table.Columns.Select(c => c.Kind));
        Assert.Equal([10L, 11, 0], table.Sequence.Longs!);
        Assert.Equal([false, false, false, true, true, true], table.Columns.Select(c => c.HasNulls));
        Assert.Equal([true, true, false], table.Columns[3].Present!);
        Assert.Equal([false, false, true], table.Columns[5].Present!);
    }

    [Fact]
    public void A_column_that_is_long_in_one_event_and_double_in_another_becomes_double()
    {
        var table = Table(new SampleBatch("a", 0, [1]).WithColumn("Value", new long[] { 3 }), new SampleBatch("a", 1, [2]).WithColumn("Value", new[] { 2.5 }));
        var value = table.Columns.Single(c => c.Name == "Value");
        Assert.Equal(ColumnKind.Double, value.Kind);
        Assert.Equal([3.0, 2.5], value.Doubles!);
    }

    [Fact]
    public void A_field_named_Sequence_is_rejected_with_a_reason_instead_of_colliding()
    {
        var (table, rejected) = ExportTableBuilder.Build([new SampleBatch("a", 0, [1]).WithColumn("Sequence", new long[] { 9 }), new SampleBatch("b", 0, [1])]);
        Assert.Equal([new ExportTableBuilder.Rejected(0, "field 'Sequence' collides with the exported Sequence column")], rejected);
        Assert.Equal(["b"], table.SensorId.Strings!.Select(s => s!));
    }

    [Fact]
    public async Task Csv_quotes_only_what_rfc4180_requires_and_leaves_missing_values_empty()
    {
        var table = Table(
            new SampleBatch("s,1", 0, [7]).WithScalar("Note", "say \"hi\"\r\nbye").WithColumn("V", new[] { 0.1 }),
            new SampleBatch("plain", 0, [8]).WithColumn("V", new[] { -1e300 }));
        using var output = new MemoryStream();
        await CsvExportWriter.WriteAsync(table, output);
        Assert.Equal("SensorId,Sequence,TimestampNanos,V,Note\r\n\"s,1\",0,7,0.1,\"say \"\"hi\"\"\r\nbye\"\r\nplain,0,8,-1E+300,\r\n", Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public async Task Parquet_has_typed_columns_snappy_and_row_groups_sized_by_column_count()
    {
        var rows = 5000;
        var batch = new SampleBatch("acc", 0, Enumerable.Range(0, rows).Select(i => (long)i).ToArray())
            .WithScalar("Unit", "m/s2").WithColumn("X", Enumerable.Range(0, rows).Select(i => i * 0.5).ToArray());
        var table = Table(batch);
        using var output = new MemoryStream();
        // 5 columns × 8 bytes × 1024 rows = the smallest group size allowed: 5 groups of 1024 (the last 904).
        await ParquetExportWriter.WriteAsync(table, output, targetRowGroupBytes: 1, default);
        output.Position = 0;
        await using var reader = await ParquetReader.CreateAsync(output);
        Assert.Equal(5, reader.RowGroupCount);
        var fields = reader.Schema.GetDataFields();
        Assert.Equal(["SensorId", "Sequence", "TimestampNanos", "X", "Unit"], fields.Select(f => f.Name));
        Assert.Equal([typeof(long), typeof(long), typeof(double)], fields[1..4].Select(f => f.ClrType));
        Assert.All(fields, f => Assert.False(f.IsNullable));
        Assert.All(reader.Metadata!.RowGroups.SelectMany(g => g.Columns), c => Assert.Equal(Parquet.Meta.CompressionCodec.SNAPPY, c.MetaData!.Codec));
        using var group = reader.OpenRowGroupReader(4);
        var x = new double[group.RowCount];
        await group.ReadAsync(fields[3], x.AsMemory(), null);
        Assert.Equal(4096 * 0.5, x[0]);
    }
}
