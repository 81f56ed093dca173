using System.Globalization;
using DuckDB.NET.Data;
using SensorStream.Cloud.Tests.Infrastructure;
using SensorStream.Streams.Events;
using SensorStream.Streams.Exporting;

namespace SensorStream.Cloud.Tests;

/// <summary>
/// One part big enough for several Parquet row groups and a streamed (multi-block) upload of each file, exported by the
/// real exporter on Azurite and read back by DuckDB: every row with its exact values and types, in both formats — a
/// double read from the CSV text is the very double exported (shortest round-trip text), a null stays null across a
/// row group boundary, and the Parquet file's row groups are whole multiples of DuckDB's 122,880 rows.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class ExportLargeFileTests(AzuriteFixture azurite) : IDisposable
{
    /// <summary>2026-11-26T10:00:00Z: 400,000 samples 1 ms apart stay in hour 10.</summary>
    private const long Base = 1_795_687_200_000_000_000;

    private const int Events = 400;
    private const int Samples = 1000;

    /// <summary>Rows 122,000..122,999 have no Y: the nulls span the boundary of the first two row groups (122,880).</summary>
    private const int EventWithoutY = 122;

    private readonly string _folder = Directory.CreateTempSubdirectory("large-exports-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Doubles whose text is easy to get wrong: extremes, subnormals, values needing 17 digits, whole numbers, negative zero.</summary>
    private static readonly double[] Awkward =
    [
        double.Epsilon, -double.Epsilon, double.MaxValue, double.MinValue, 2.2250738585072014E-308, 2.225073858507201E-308,
        0.1 + 0.2, 1.0 / 3, 2.0 / 3, 1e-7, 1e21, 1e22, 123456789012345680.0, 9007199254740993.0, 0.30000000000000004,
        20.0, -0.0, 0.0, 1.7976931348623157E+308, 4.9406564584124654E-324, 5e-324, 1.5e-300, -123.456e-200, 100.0,
    ];

    private static SampleBatch Event(int e, Random rng)
    {
        var first = (long)e * Samples;
        var times = Enumerable.Range(0, Samples).Select(k => Base + (first + k) * 1_000_000).ToArray();
        var x = Enumerable.Range(0, Samples).Select(k => k < Awkward.Length ? Awkward[(k + e) % Awkward.Length] : BitConverter.Int64BitsToDouble(rng.NextInt64(0, 0x7FEF_FFFF_FFFF_FFFF)) * (rng.Next(2) * 2 - 1)).ToArray();
        var batch = new SampleBatch("accel-1", first, times).WithColumn("X", x).WithColumn("Z", Enumerable.Range(0, Samples).Select(_ => rng.NextDouble() * 20 - 10).ToArray());
        return e == EventWithoutY ? batch : batch.WithColumn("Y", Enumerable.Range(0, Samples).Select(k => (first + k) * 0.25).ToArray());
    }

    [Fact]
    public async Task A_part_of_several_row_groups_and_upload_blocks_reads_back_in_duckdb_with_every_value_exact()
    {
        var stream = azurite.NewStream("large");
        var rng = new Random(4);
        var batches = Enumerable.Range(0, Events).Select(e => Event(e, rng)).ToList();
        await ChunkWriter.WriteAsync(azurite.Store, stream, ChunkWriter.Split(batches.Select(SampleBatchJson.Serialize).ToList(), 100));
        var exporter = new Exporter(azurite.Store, new ExportOptions { IdleFlushAfter = TimeSpan.Zero });
        await Steps.UntilIdleAsync(() => exporter.StepAsync(stream));
        await DuckDbExports.DownloadAsync(azurite.Blobs, stream, _folder);

        var files = Directory.GetFiles(_folder, "*.*", SearchOption.AllDirectories).Where(f => f.EndsWith(".parquet", StringComparison.Ordinal) || f.EndsWith(".csv", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, files.Count);
        // Both files go up in more than one 8 MiB block (the streamed path), so the test covers the block list commit.
        Assert.All(files, f => Assert.True(new FileInfo(f).Length > Exporter.FileBlockBytes, $"{f}: {new FileInfo(f).Length} bytes"));

        var expected = batches.SelectMany(b => Enumerable.Range(0, b.Count).Select(k =>
            (b.FirstSequence + k, b.TimestampNanos[k], b.DoubleColumn("X")![k], b.DoubleColumn("Y") is { } y ? y[k] : (double?)null, b.DoubleColumn("Z")![k]))).ToList();
        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        foreach (var format in new[] { "parquet", "csv" })
        {
            var root = Path.Combine(_folder, format, stream.Scope, stream.Stream);
            var folder = Path.Combine(root, DuckDbExports.TableFolders(root, format).Single());
            var from = DuckDbExports.Source(duck, format, folder);
            Assert.Equal([.. DuckDbExports.FixedColumns, "X DOUBLE", "Z DOUBLE", "Y DOUBLE", .. DuckDbExports.PartitionColumns],
                DuckDbExports.Query(duck, $"DESCRIBE SELECT * FROM {from}").Select(r => $"{r[0]} {r[1]}"));
            var rows = DuckDbExports.Query(duck, $"SELECT Sequence, TimestampNanos, X, Y, Z, SensorId, epoch_us(Timestamp) = TimestampNanos // 1000 FROM {from} ORDER BY Sequence");
            Assert.Equal(expected.Count, rows.Count);
            for (var i = 0; i < rows.Count; i++)
            {
                var (sequence, nanos, x, y, z) = expected[i];
                var row = rows[i];
                // The timestamp is the nanoseconds truncated to microseconds.
                Assert.Equal((sequence, nanos, "accel-1", true), ((long)row[0], (long)row[1], (string)row[5], (bool)row[6]));
                // Bit for bit: the same double, not a close one (negative zero included).
                Assert.True(Same(x, row[2]) && Same(y, row[3]) && Same(z, row[4]),
                    $"{format} row {i}: {Text(x)} {Text(y)} {Text(z)} read back as {row[2]} {row[3]} {row[4]}");
            }
        }

        var parquet = Directory.GetFiles(_folder, "*.parquet", SearchOption.AllDirectories).Single();
        Assert.Equal([122_880L, 122_880L, 122_880L, 31_360L],
            DuckDbExports.Query(duck, $"SELECT DISTINCT row_group_id, row_group_num_rows FROM parquet_metadata('{parquet}') ORDER BY row_group_id").Select(r => (long)r[1]));
        Assert.Equal((object)1000L, DuckDbExports.Scalar(duck, $"SELECT count(*) FROM read_parquet('{parquet}') WHERE Y IS NULL"));
    }

    private static bool Same(double? expected, object actual) => expected is { } value
        ? actual is double d && BitConverter.DoubleToInt64Bits(d) == BitConverter.DoubleToInt64Bits(value)
        : actual is DBNull;

    private static string Text(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "null";
}
