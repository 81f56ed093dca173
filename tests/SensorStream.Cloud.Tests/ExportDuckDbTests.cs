using Azure.Storage.Blobs.Models;
using DuckDB.NET.Data;
using SensorStream.Cloud.Tests.Infrastructure;
using SensorStream.Streams.Events;
using SensorStream.Streams.Exporting;
using SensorStream.Streams.Mirroring;
using SensorStream.Streams.Naming;

namespace SensorStream.Cloud.Tests;

/// <summary>
/// The exports read by DuckDB — a reader this project did not write — as an analyst would: a mixed stream (NIC
/// counters, a synthetic sensor, a CSV folder whose columns clash with the NIC's <c>Interface</c> and the partition
/// key <c>hour</c>, and gain a column mid-run) goes through the real exporter on Azurite; the exported blobs are
/// downloaded to a folder and each table is read with a plain glob and Hive partitioning, without union_by_name.
/// The CSV is read as functions/README documents it, with the types written beside the files (<see cref="CsvColumnTypes"/>):
/// the test's NIC events lack <c>CounterResets</c>, so that column is empty in every CSV row of nic/v1.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class ExportDuckDbTests(AzuriteFixture azurite) : IDisposable
{
    /// <summary>2026-11-26T09:59:59.950Z: 50 samples 1 ms apart reach 10:00, so rows land in two hour partitions (hour=09, hour=10).</summary>
    private const long Base = 1_795_687_199_950_000_000;

    private readonly string _folder = Directory.CreateTempSubdirectory("duckdb-exports-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static long[] Times(long first, int count) => Enumerable.Range(0, count).Select(k => Base + (first + k) * 1_000_000).ToArray();

    private static SampleBatch Nic(long first, int count) =>
        new SampleBatch("nic-lo", first, Times(first, count)).WithSchema(EventSchemas.Nic)
            .WithScalar("RemoteAddr", "host").WithScalar("Interface", "lo")
            .WithColumn("RxBytes", Counter(first, count, 100)).WithColumn("TxBytes", Counter(first, count, 50))
            .WithColumn("RxPackets", Counter(first, count, 2)).WithColumn("TxPackets", Counter(first, count, 1))
            .WithColumn("RxErrors", Counter(first, count, 0)).WithColumn("TxErrors", Counter(first, count, 0));

    private static long[] Counter(long first, int count, long step) => Enumerable.Range(0, count).Select(k => (first + k) * step).ToArray();

    private static SampleBatch Synthetic(long first, int count) =>
        new SampleBatch("a", first, Times(first, count)).WithSchema(EventSchemas.Synthetic)
            .WithColumn("Sample", Enumerable.Range(0, count).Select(k => first + k).ToArray())
            .WithColumn("Value", Enumerable.Range(0, count).Select(k => Math.Sin(first + k)).ToArray());

    /// <summary>As the edge imports a CSV file: no Schema field (the table follows from the csv- prefix), double columns.</summary>
    private static SampleBatch Csv(long first, int count, bool humidity)
    {
        var batch = new SampleBatch("csv-plant", first, Times(first, count))
            .WithColumn("Interface", Enumerable.Range(0, count).Select(k => (double)(k % 3)).ToArray())
            .WithColumn("hour", Enumerable.Repeat(17.5, count).ToArray())
            .WithColumn("Temp", Enumerable.Range(0, count).Select(k => 20.0 + (first + k) * 0.5).ToArray());
        return humidity ? batch.WithColumn("Humidity", Enumerable.Range(0, count).Select(k => 40.0 + k).ToArray()) : batch;
    }

    private static readonly string[] Fixed = DuckDbExports.FixedColumns;
    private static readonly string[] Partitions = DuckDbExports.PartitionColumns;

    /// <summary>Declared types of every table version, as DuckDB describes them.</summary>
    private static readonly Dictionary<string, string[]> Tables = new()
    {
        ["nic/v1"] = [.. Fixed, "RxBytes BIGINT", "TxBytes BIGINT", "RxPackets BIGINT", "TxPackets BIGINT", "RxErrors BIGINT", "TxErrors BIGINT",
            "CounterResets BIGINT", "RemoteAddr VARCHAR", "Interface VARCHAR", .. Partitions],
        ["synthetic/v1"] = [.. Fixed, "Sample BIGINT", "Value DOUBLE", .. Partitions],
        ["csv/plant/v1"] = [.. Fixed, "Interface DOUBLE", "hour_1 DOUBLE", "Temp DOUBLE", .. Partitions],
        ["csv/plant/v2"] = [.. Fixed, "Interface DOUBLE", "hour_1 DOUBLE", "Temp DOUBLE", "Humidity DOUBLE", .. Partitions],
    };

    [Fact]
    public async Task Every_table_reads_with_a_plain_glob_typed_columns_and_every_sample_exactly_once()
    {
        var stream = azurite.NewStream("duckdb");
        // Chunk by chunk, 50 NIC + 50 synthetic + 20 CSV rows; the CSV files gain Humidity from chunk 2 on.
        SampleBatch[][] chunks =
        [
            [Nic(0, 50), Synthetic(0, 50), Csv(0, 20, false)],
            [Nic(50, 50), Synthetic(50, 50), Csv(20, 20, false)],
            [Nic(100, 50), Csv(40, 20, true)],
            [Synthetic(100, 50), Csv(60, 20, true)],
        ];
        await ChunkWriter.WriteAsync(azurite.Store, stream, chunks.Select(c => (IReadOnlyList<byte[]>)c.Select(SampleBatchJson.Serialize).ToList()));
        var exporter = new Exporter(azurite.Store, new ExportOptions { IdleFlushAfter = TimeSpan.Zero, MaxRowsPerFile = 130 });
        var details = await Steps.DetailsUntilIdleAsync(() => exporter.StepAsync(stream));
        Assert.Equal(4, details.Count);
        Assert.Contains("schema: table csv/plant v2: added column Humidity (Double)", details[2]);
        Assert.Empty(await ListAsync($"deadletter/{stream.Scope}/{stream.Stream}/"));
        await DownloadAsync(stream);

        var expected = chunks.SelectMany(c => c).SelectMany(b => Enumerable.Range(0, b.Count).Select(k => (b.SensorId, b.FirstSequence + k))).ToHashSet();
        Assert.Equal(380, expected.Count);
        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        foreach (var format in new[] { "parquet", "csv" })
        {
            var root = Path.Combine(_folder, format, stream.Scope, stream.Stream);
            Assert.Equal(Tables.Keys.Order(), DuckDbExports.TableFolders(root, format));
            var seen = new List<(string, long)>();
            foreach (var (table, columns) in Tables)
            {
                Assert.Equal(format == "csv", File.Exists(Path.Combine(root, table, CsvColumnTypes.FileName)));
                var from = DuckDbExports.Source(duck, format, Path.Combine(root, table));
                Assert.Equal(columns, Query(duck, $"DESCRIBE SELECT * FROM {from}").Select(r => $"{r[0]} {r[1]}"));
                seen.AddRange(Query(duck, $"SELECT SensorId, Sequence FROM {from}").Select(r => ((string)r[0], (long)r[1])));
                // Typed time: the timestamp is the nanoseconds truncated to microseconds; the partition is its UTC hour.
                Assert.Equal((object)0L, Scalar(duck, $"SELECT count(*) FROM {from} WHERE epoch_us(Timestamp) <> TimestampNanos // 1000 " +
                                               "OR hour <> extract('hour' FROM Timestamp AT TIME ZONE 'UTC') OR date <> CAST(Timestamp AT TIME ZONE 'UTC' AS DATE)"));
            }
            Assert.Equal(expected.Count, seen.Count);
            Assert.Equal(expected.Order(), seen.Order());
            // The CSV's own hour column keeps its values beside the partition; whole doubles stay doubles.
            var nic = DuckDbExports.Source(duck, format, Path.Combine(root, "nic/v1"));
            Assert.Equal([9L, 10L], Query(duck, $"SELECT DISTINCT hour FROM {nic} ORDER BY hour").Select(r => (long)r[0]));
            Assert.Equal((object)150L, Scalar(duck, $"SELECT count(*) FROM {nic} WHERE CounterResets IS NULL"));
            var plant = DuckDbExports.Source(duck, format, Path.Combine(root, "csv/plant/v2"));
            Assert.Equal([17.5], Query(duck, $"SELECT DISTINCT hour_1 FROM {plant}").Select(r => (double)r[0]));
            Assert.Equal((object)40.0, Scalar(duck, $"SELECT Temp FROM {plant} WHERE Sequence = 40"));
        }
        // Why the types file: without it DuckDB's CSV sniffer types the all-empty column VARCHAR (Parquet: BIGINT).
        var nicCsv = Path.Combine(_folder, "csv", stream.Scope, stream.Stream, "nic/v1");
        Assert.Contains("CounterResets VARCHAR", Query(duck, $"DESCRIBE SELECT * FROM read_csv('{nicCsv}/**/*.csv', hive_partitioning = true)").Select(r => $"{r[0]} {r[1]}"));

        var schema = (await new ExportCatalog(azurite.Blobs).DownloadAsync($"schemas/{stream.Scope}/{stream.Stream}/csv/plant/v2.json")).ToString();
        Assert.Contains("\"reason\": \"added column Humidity (Double)\"", schema);
    }

    private async Task<List<string>> ListAsync(string prefix)
    {
        var names = new List<string>();
        var container = azurite.Blobs.GetBlobContainerClient(ExportLayout.Container);
        await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, default)) names.Add(item.Name);
        return names;
    }

    private Task DownloadAsync(StreamName stream) => DuckDbExports.DownloadAsync(azurite.Blobs, stream, _folder);

    private static List<object[]> Query(DuckDBConnection duck, string sql) => DuckDbExports.Query(duck, sql);

    private static object Scalar(DuckDBConnection duck, string sql) => DuckDbExports.Scalar(duck, sql);
}
