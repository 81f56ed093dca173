using System.Text;
using Parquet;
using SensorStream.Streams.Events;
using SensorStream.Streams.Exporting;

namespace SensorStream.Cloud.Tests;

/// <summary>The table, CSV and Parquet writers without storage.</summary>
public sealed class ExportWriterTests
{
    private static ExportTable Table(params SampleBatch[] batches) => ExportTableBuilder.Build(batches);

    [Fact]
    public void Table_has_fixed_columns_then_event_columns_in_first_seen_order_all_nullable()
    {
        var nic = new SampleBatch("nic", 10, [1, 2]).WithScalar("Interface", "eth0").WithColumn("RxBytes", new long[] { 5, 6 });
        var accel = new SampleBatch("acc", 0, [3]).WithColumn("X", new[] { 1.5 });
        var table = Table(nic, accel);
        Assert.Equal(["SensorId", "Sequence", "TimestampNanos", "Timestamp", "RxBytes", "Interface", "X"], table.Columns.Select(c => c.Name));
        Assert.Equal([ColumnKind.String, ColumnKind.Long, ColumnKind.Long, ColumnKind.Timestamp, ColumnKind.Long, ColumnKind.String, ColumnKind.Double],
            table.Columns.Select(c => c.Kind));
        Assert.Equal([10L, 11, 0], table.Sequence.Longs!);
        Assert.Equal([false, false, false, false, true, true, true], table.Columns.Select(c => c.Optional));
        Assert.Equal([true, true, false], table.Columns[4].Present!);
        Assert.Equal([false, false, true], table.Columns[6].Present!);
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
    public void Fields_named_like_fixed_columns_or_partition_keys_or_differing_only_by_case_are_renamed_not_rejected()
    {
        var table = Table(new SampleBatch("a", 0, [1])
            .WithColumn("Sequence", new long[] { 9 }).WithColumn("hour", new[] { 17.5 }).WithColumn("Temp", new[] { 1.0 })
            .WithColumn("temp", new[] { 2.0 }).WithColumn("timestamp", new[] { 3.0 }).WithScalar("DATE", "x"));
        Assert.Equal(["SensorId", "Sequence", "TimestampNanos", "Timestamp", "Sequence_1", "hour_1", "Temp", "temp_1", "timestamp_1", "DATE_1"],
            table.Columns.Select(c => c.Name));
        Assert.Equal([9L], table.Columns[4].Longs!);
        Assert.Equal([17.5], table.Columns[5].Doubles!);
    }

    [Fact]
    public async Task Csv_quotes_only_what_rfc4180_requires_and_leaves_missing_values_empty()
    {
        var table = Table(
            new SampleBatch("s,1", 0, [7]).WithScalar("Note", "say \"hi\"\r\nbye").WithColumn("V", new[] { 0.1 }),
            new SampleBatch("plain", 0, [8]).WithColumn("V", new[] { -1e300 }));
        using var output = new MemoryStream();
        await CsvExportWriter.WriteAsync(table, output);
        Assert.Equal(
            "SensorId,Sequence,TimestampNanos,Timestamp,V,Note\r\n" +
            "\"s,1\",0,7,1970-01-01T00:00:00.000000Z,0.1,\"say \"\"hi\"\"\r\nbye\"\r\n" +
            "plain,0,8,1970-01-01T00:00:00.000000Z,-1E+300,\r\n", Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public async Task Csv_writes_whole_doubles_with_a_decimal_point_and_the_spreadsheet_dialect_has_a_bom_and_semicolons()
    {
        var table = Table(new SampleBatch("s;1", 0, [1_795_687_200_123_456_789]).WithColumn("V", new[] { 20.0 }).WithColumn("N", new long[] { 20 }));
        using var plain = new MemoryStream();
        await CsvExportWriter.WriteAsync(table, plain);
        Assert.Equal("SensorId,Sequence,TimestampNanos,Timestamp,N,V\r\ns;1,0,1795687200123456789,2026-11-26T10:00:00.123456Z,20,20.0\r\n",
            Encoding.UTF8.GetString(plain.ToArray()));
        using var sheet = new MemoryStream();
        await CsvExportWriter.WriteAsync(table, sheet, CsvDialect.Parse("spreadsheet-semicolon"));
        Assert.Equal([0xEF, 0xBB, 0xBF], sheet.ToArray()[..3]);
        Assert.Equal("SensorId;Sequence;TimestampNanos;Timestamp;N;V\r\n\"s;1\";0;1795687200123456789;2026-11-26T10:00:00.123456Z;20;20.0\r\n",
            Encoding.UTF8.GetString(sheet.ToArray()[3..]));
        Assert.Equal("unknown CSV dialect 'excel' (rfc4180, spreadsheet, spreadsheet-semicolon)", Assert.Throws<FormatException>(() => CsvDialect.Parse("excel")).Message);
    }

    [Fact]
    public async Task Csv_of_many_blocks_is_the_same_text_as_formatting_each_row_on_its_own()
    {
        // 3 blocks of rows formatted in parallel, sensor ids and scalars that change (one needs quotes), seconds that
        // roll over, and absent values: the file must equal a plain row-by-row rendering of the same rules.
        var rng = new Random(16);
        var batches = Enumerable.Range(0, 21).Select(e =>
        {
            var times = Enumerable.Range(0, 1000).Select(k => 1_795_687_200_000_000_000 + (e * 1000L + k) * 999_999_937).ToArray();
            var batch = new SampleBatch(e % 3 == 0 ? "a,\"b\"" : $"s{e % 4}", e * 1000L, times)
                .WithColumn("X", times.Select(_ => rng.NextDouble() * Math.Pow(10, rng.Next(-5, 12)) - 1).ToArray());
            return e % 2 == 0 ? batch.WithColumn("N", times.Select(t => t % 1000 - 500).ToArray()) : batch.WithScalar("Unit", $"u{e % 5}");
        }).ToArray();
        var table = Table(batches);
        Assert.True(table.RowCount > 2 * CsvExportWriter.BlockRows);
        var expected = new StringBuilder("SensorId,Sequence,TimestampNanos,Timestamp,N,X,Unit\r\n");
        foreach (var b in batches)
            for (var k = 0; k < b.Count; k++)
            {
                var id = b.SensorId.Contains(',') ? "\"" + b.SensorId.Replace("\"", "\"\"") + "\"" : b.SensorId;
                var time = DateTime.UnixEpoch.AddTicks(b.TimestampNanos[k] / 100).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
                var n = b.LongColumn("N") is { } longs ? longs[k].ToString(System.Globalization.CultureInfo.InvariantCulture) : "";
                expected.Append($"{id},{b.FirstSequence + k},{b.TimestampNanos[k]},{time},{n},{DoubleText.Format(b.DoubleColumn("X")![k])},{b.Scalar("Unit")}\r\n");
            }
        using var output = new MemoryStream();
        await CsvExportWriter.WriteAsync(table, output);
        Assert.Equal(expected.ToString(), Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public async Task Parquet_has_typed_columns_snappy_and_row_groups_sized_by_column_count()
    {
        var rows = 2 * ParquetExportWriter.RowGroupUnit + 1000;
        var batch = new SampleBatch("acc", 0, Enumerable.Range(0, rows).Select(i => (long)i).ToArray())
            .WithScalar("Unit", "m/s2").WithColumn("X", Enumerable.Range(0, rows).Select(i => i * 0.5).ToArray());
        var table = Table(batch);
        // Whole multiples of DuckDB's 122,880 rows within the target (6 columns × 8 bytes a value): the default 8 MiB
        // holds one, 64 MiB eleven; a target below one unit still gets one.
        Assert.Equal(122_880, ParquetExportWriter.RowsPerGroup(table, new ExportOptions().TargetRowGroupBytes));
        Assert.Equal(11 * 122_880, ParquetExportWriter.RowsPerGroup(table, 64L << 20));
        Assert.Equal(122_880, ParquetExportWriter.RowsPerGroup(table, 1));
        using var output = new MemoryStream();
        // 3 groups: 122,880, 122,880 and the last 1,000.
        await ParquetExportWriter.WriteAsync(table, output, targetRowGroupBytes: 1, default);
        output.Position = 0;
        await using var reader = await ParquetReader.CreateAsync(output);
        Assert.Equal(3, reader.RowGroupCount);
        Assert.Equal([122_880L, 122_880L, 1000L], reader.Metadata!.RowGroups.Select(g => g.NumRows));
        var fields = reader.Schema.GetDataFields();
        Assert.Equal(["SensorId", "Sequence", "TimestampNanos", "Timestamp", "X", "Unit"], fields.Select(f => f.Name));
        Assert.Equal([typeof(long), typeof(long), typeof(DateTime), typeof(double)], fields[1..5].Select(f => f.ClrType));
        var timestamp = Assert.IsType<Parquet.Schema.DateTimeDataField>(fields[3]);
        Assert.Equal((Parquet.Schema.DateTimeFormat.Timestamp, true, Parquet.Schema.DateTimeTimeUnit.Micros), (timestamp.DateTimeFormat, timestamp.IsAdjustedToUTC, timestamp.Unit));
        Assert.Equal([false, false, false, false, true, true], fields.Select(f => f.IsNullable));
        Assert.All(reader.Metadata!.RowGroups.SelectMany(g => g.Columns), c => Assert.Equal(Parquet.Meta.CompressionCodec.SNAPPY, c.MetaData!.Codec));
        using var group = reader.OpenRowGroupReader(2);
        var x = new double?[group.RowCount];
        await group.ReadAsync(fields[4], x.AsMemory(), null);
        Assert.Equal(2 * 122_880 * 0.5, x[0]);
    }
}
