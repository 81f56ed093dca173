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
        // roll over, absent values, and doubles of every kind (negative, whole, tiny and huge exponents, ±0, ±∞, NaN):
        // the file must equal a plain row-by-row rendering of the same rules with .NET's own "R" text of each double.
        var rng = new Random(16);
        var batches = Enumerable.Range(0, 21).Select(e =>
        {
            var times = Enumerable.Range(0, 1000).Select(k => 1_795_687_200_000_000_000 + (e * 1000L + k) * 999_999_937).ToArray();
            var batch = new SampleBatch(e % 3 == 0 ? "a,\"b\"" : $"s{e % 4}", e * 1000L, times)
                .WithColumn("X", times.Select(_ => AnyDouble(rng)).ToArray());
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
                expected.Append($"{id},{b.FirstSequence + k},{b.TimestampNanos[k]},{time},{n},{ReferenceDoubleText(b.DoubleColumn("X")![k])},{b.Scalar("Unit")}\r\n");
            }
        using var output = new MemoryStream();
        await CsvExportWriter.WriteAsync(table, output);
        Assert.Equal(expected.ToString(), Encoding.UTF8.GetString(output.ToArray()));
    }

    /// <summary>A double of any kind: sensor-like readings mostly, then whole, exponent, signed-zero, infinite, NaN and random-bit values.</summary>
    private static double AnyDouble(Random rng) => rng.Next(20) switch
    {
        0 => Math.Round(rng.NextDouble() * 2000 - 1000),
        1 => (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-320, 308)),
        2 => BitConverter.Int64BitsToDouble(rng.NextInt64()),
        3 => new[] { 0.0, -0.0, double.PositiveInfinity, double.NegativeInfinity, double.NaN, double.Epsilon, double.MaxValue, 1e16, 1e17, 1e-4, 1e-5 }[rng.Next(11)],
        _ => rng.NextDouble() * Math.Pow(10, rng.Next(-5, 12)) - 1,
    };

    /// <summary>How the CSV writer wrote a double before <see cref="ShortestDouble"/>: .NET's "R" text, <c>.0</c> added to a whole number.</summary>
    private static string ReferenceDoubleText(double value)
    {
        var text = value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        return text.AsSpan().IndexOfAny(".eEIN") < 0 ? text + ".0" : text;
    }

    [Fact]
    public void Shortest_double_text_is_byte_for_byte_dotnets_round_trip_text()
    {
        // Random bit patterns (every exponent, subnormals, NaN payloads), sensor-like readings, decimal fractions,
        // integers around 2^53, powers of two and ten with their neighbours, and the notation switch points.
        var rng = new Random(1616);
        var values = new List<double>();
        for (var i = 0; i < 300_000; i++) values.Add(BitConverter.Int64BitsToDouble(rng.NextInt64()));
        for (var i = 0; i < 200_000; i++) values.Add(rng.NextDouble() * 20 - 10);
        for (var i = 0; i < 100_000; i++) values.Add(Math.Round(rng.NextDouble() * 1000, rng.Next(0, 6)));
        for (var i = 0; i < 100_000; i++) values.Add((double)rng.NextInt64(-1L << 62, 1L << 62) / (1L << rng.Next(0, 62)));
        for (var e = -1074; e < 1024; e++)
        {
            var power = Math.Pow(2, e);
            values.AddRange([power, Math.BitIncrement(power), Math.BitDecrement(power), 3 * power]);
        }
        for (var e = -330; e <= 310; e++)
            foreach (var m in new[] { 1.0, 1.5, 9.999999999999999, 1.2345678901234567, 5 })
            {
                var v = m * Math.Pow(10, e);
                values.AddRange([v, -v, Math.BitIncrement(v), Math.BitDecrement(v)]);
            }
        for (long i = -20_000; i <= 20_000; i++) values.AddRange([i, i / 10.0, i / 1000.0, i * 1e12, 9007199254740992.0 + i * 2]);
        var mismatches = values.Where(v => DoubleText.Format(v) != ReferenceDoubleText(v))
            .Take(5).Select(v => $"{BitConverter.DoubleToInt64Bits(v):X16}: {DoubleText.Format(v)} vs {ReferenceDoubleText(v)}").ToList();
        Assert.Empty(mismatches);
        Assert.Equal(17, ShortestDouble.FloorLog10Pow2(57));
        for (var q = -1100; q <= 1100; q++)
        {
            // ⌊q·log10 2⌋ and ⌊q·log2 10⌋ exactly: 10^k ≤ 2^q < 10^(k+1) and 2^k ≤ 10^q < 2^(k+1), compared as integers.
            var k = ShortestDouble.FloorLog10Pow2(q);
            Assert.True(LessOrEqual(10, k, 2, q) && !LessOrEqual(10, k + 1, 2, q), $"FloorLog10Pow2({q}) = {k}");
            if (Math.Abs(q) > 400) continue;
            var j = ShortestDouble.FloorLog2Pow10(q);
            Assert.True(LessOrEqual(2, j, 10, q) && !LessOrEqual(2, j + 1, 10, q), $"FloorLog2Pow10({q}) = {j}");
        }
    }

    /// <summary>a^x ≤ b^y for integer exponents of either sign, exactly.</summary>
    private static bool LessOrEqual(int a, int x, int b, int y)
    {
        // a^x ≤ b^y ⇔ a^max(x,0) · b^max(−y,0) ≤ b^max(y,0) · a^max(−x,0).
        var left = System.Numerics.BigInteger.Pow(a, Math.Max(x, 0)) * System.Numerics.BigInteger.Pow(b, Math.Max(-y, 0));
        var right = System.Numerics.BigInteger.Pow(b, Math.Max(y, 0)) * System.Numerics.BigInteger.Pow(a, Math.Max(-x, 0));
        return left <= right;
    }

    [Fact]
    public async Task Parquet_has_typed_columns_snappy_and_row_groups_sized_by_column_count()
    {
        var rows = 5000;
        var batch = new SampleBatch("acc", 0, Enumerable.Range(0, rows).Select(i => (long)i).ToArray())
            .WithScalar("Unit", "m/s2").WithColumn("X", Enumerable.Range(0, rows).Select(i => i * 0.5).ToArray());
        var table = Table(batch);
        using var output = new MemoryStream();
        // 6 columns × 8 bytes × 1024 rows = the smallest group size allowed: 5 groups of 1024 (the last 904).
        await ParquetExportWriter.WriteAsync(table, output, targetRowGroupBytes: 1, default);
        output.Position = 0;
        await using var reader = await ParquetReader.CreateAsync(output);
        Assert.Equal(5, reader.RowGroupCount);
        var fields = reader.Schema.GetDataFields();
        Assert.Equal(["SensorId", "Sequence", "TimestampNanos", "Timestamp", "X", "Unit"], fields.Select(f => f.Name));
        Assert.Equal([typeof(long), typeof(long), typeof(DateTime), typeof(double)], fields[1..5].Select(f => f.ClrType));
        var timestamp = Assert.IsType<Parquet.Schema.DateTimeDataField>(fields[3]);
        Assert.Equal((Parquet.Schema.DateTimeFormat.Timestamp, true, Parquet.Schema.DateTimeTimeUnit.Micros), (timestamp.DateTimeFormat, timestamp.IsAdjustedToUTC, timestamp.Unit));
        Assert.Equal([false, false, false, false, true, true], fields.Select(f => f.IsNullable));
        Assert.All(reader.Metadata!.RowGroups.SelectMany(g => g.Columns), c => Assert.Equal(Parquet.Meta.CompressionCodec.SNAPPY, c.MetaData!.Codec));
        using var group = reader.OpenRowGroupReader(4);
        var x = new double?[group.RowCount];
        await group.ReadAsync(fields[4], x.AsMemory(), null);
        Assert.Equal(4096 * 0.5, x[0]);
    }
}
