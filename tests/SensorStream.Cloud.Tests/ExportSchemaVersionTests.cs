using System.Globalization;
using DuckDB.NET.Data;
using SensorStream.Cloud.Tests.Infrastructure;
using SensorStream.Streams.Events;
using SensorStream.Streams.Exporting;
using SensorStream.Streams.Mirroring;

namespace SensorStream.Cloud.Tests;

/// <summary>
/// A CSV folder whose files change their columns — <c>TimestampNanos,Temp</c>, then <c>TimestampNanos,Temp,Humidity</c>,
/// then <c>TimestampNanos,Temp</c> again — exported by the real exporter on Azurite and read back by DuckDB: the file
/// that brings <c>Humidity</c> starts version 2, whether the three files reach the cloud in one chunk (a backlog
/// exported in one step) or one chunk and one export step each. Every table version reads as one clean table:
/// exactly its rows, columns and types; the only nulls are those functions/README documents (a later file without
/// <c>Humidity</c> in v2).
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class ExportSchemaVersionTests(AzuriteFixture azurite) : IDisposable
{
    /// <summary>2026-11-26T10:00:00Z; rows 1 s apart, all in one hour.</summary>
    private const long Base = 1_795_687_200_000_000_000;

    private readonly string _folder = Directory.CreateTempSubdirectory("schema-versions-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A CSV file as the edge imports it into one event: sensor <c>csv-plant</c>, no Schema field, double columns.</summary>
    private static SampleBatch File(long first, int rows, bool humidity)
    {
        var batch = new SampleBatch("csv-plant", first, Enumerable.Range(0, rows).Select(k => Base + (first + k) * 1_000_000_000).ToArray())
            .WithColumn("Temp", Enumerable.Range(0, rows).Select(k => 20.0 + first + k).ToArray());
        return humidity ? batch.WithColumn("Humidity", Enumerable.Range(0, rows).Select(k => 40.5 + first + k).ToArray()) : batch;
    }

    private static readonly SampleBatch[] Files = [File(0, 3, humidity: false), File(3, 2, humidity: true), File(5, 2, humidity: false)];

    private static readonly string[] Fixed = DuckDbExports.FixedColumns;
    private static readonly string[] Partitions = DuckDbExports.PartitionColumns;

    /// <summary>Every table version with its columns as DuckDB describes them and its rows (Sequence, Temp, Humidity).</summary>
    private static readonly Dictionary<string, (string[] Columns, string[] Rows)> Expected = new()
    {
        ["csv/plant/v1"] = ([.. Fixed, "Temp DOUBLE", .. Partitions], ["0 20 -", "1 21 -", "2 22 -"]),
        ["csv/plant/v2"] = ([.. Fixed, "Temp DOUBLE", "Humidity DOUBLE", .. Partitions], ["3 23 43.5", "4 24 44.5", "5 25 null", "6 26 null"]),
    };

    [Theory]
    [InlineData("one chunk, one step")]
    [InlineData("a chunk and a step per file")]
    public async Task A_file_with_a_new_column_starts_the_next_version_however_the_stream_is_cut_into_steps(string cut)
    {
        var stream = azurite.NewStream("schemaversions");
        var exporter = new Exporter(azurite.Store, new ExportOptions { IdleFlushAfter = TimeSpan.Zero });
        var details = new List<string>();
        var events = Files.Select(SampleBatchJson.Serialize).ToList();
        if (cut == "one chunk, one step")
        {
            await ChunkWriter.WriteAsync(azurite.Store, stream, [events]);
            details.AddRange(await Steps.DetailsUntilIdleAsync(() => exporter.StepAsync(stream)));
        }
        else
        {
            foreach (var e in events)
            {
                await ChunkWriter.WriteAsync(azurite.Store, stream, [[e]]);
                details.AddRange(await Steps.DetailsUntilIdleAsync(() => exporter.StepAsync(stream)));
            }
        }
        var notes = string.Join("\n", details);
        Assert.Contains("table csv/plant v1: first seen (Temp Double)", notes);
        Assert.Contains("table csv/plant v2: added column Humidity (Double)", notes);
        Assert.DoesNotContain("v3", notes);

        // The schema records say where each version starts: v2 at the second file's event.
        var catalog = new ExportCatalog(azurite.Blobs);
        var (chunk, @event) = cut == "one chunk, one step" ? (0, 1) : (1, 0);
        var v2 = System.Text.Json.JsonDocument.Parse((await catalog.DownloadAsync($"schemas/{stream.Scope}/{stream.Stream}/csv/plant/v2.json")).ToString()).RootElement;
        Assert.Equal((chunk, @event), (v2.GetProperty("sinceChunk").GetInt64(), v2.GetProperty("sinceEvent").GetInt32()));

        await AssertVersionsAsync(stream, Expected);
    }

    /// <summary>Export points around which a range holding both versions' rows, and the roll of their two parts, crash.</summary>
    public static TheoryData<string, int> CrashPoints => new()
    {
        { Exporter.Points.AfterRecordPlan, 1 },
        { Exporter.Points.AfterDeadLetters, 1 },
        { Exporter.Points.BeforeDone, 1 },
        { Exporter.Points.AfterRecordRoll, 1 },
        { Exporter.Points.AfterFile, 1 },
        { Exporter.Points.AfterFile, 3 },
        { Exporter.Points.BeforeRollDone, 1 },
    };

    [Theory]
    [MemberData(nameof(CrashPoints))]
    public async Task A_crash_while_one_range_makes_two_versions_then_a_rerun_writes_the_same_versions(string point, int occurrence)
    {
        var stream = azurite.NewStream("schemacrash");
        await ChunkWriter.WriteAsync(azurite.Store, stream, [Files.Select(SampleBatchJson.Serialize).ToList()]);
        var crash = new Crash(point, occurrence);
        var crashing = new Exporter(azurite.Store, new ExportOptions { IdleFlushAfter = TimeSpan.Zero, Probe = crash.Probe });
        await Assert.ThrowsAsync<SimulatedCrashException>(async () => await Steps.UntilIdleAsync(() => crashing.StepAsync(stream)));
        Assert.True(crash.Fired);
        await Steps.UntilIdleAsync(() => new Exporter(azurite.Store, new ExportOptions { IdleFlushAfter = TimeSpan.Zero }).StepAsync(stream));
        await AssertVersionsAsync(stream, Expected);
    }

    /// <summary>
    /// A range that an exporter before per-event versions recorded as pending — with the tables after it, one v1 of
    /// both files' columns — is finished as that exporter planned it: one version, the first file's rows with an
    /// empty Humidity, so a retry after an upgrade never splits a range it may already have written in part.
    /// </summary>
    [Fact]
    public async Task A_range_recorded_by_an_earlier_exporter_is_finished_with_the_versions_it_recorded()
    {
        var stream = azurite.NewStream("schemaupgrade");
        await ChunkWriter.WriteAsync(azurite.Store, stream, [Files.Select(SampleBatchJson.Serialize).ToList()]);
        var exporter = new Exporter(azurite.Store, new ExportOptions { IdleFlushAfter = TimeSpan.Zero });
        var union = new TableSchema("csv/plant", 1, [new SchemaColumn("Temp", "Temp", ColumnKind.Double), new SchemaColumn("Humidity", "Humidity", ColumnKind.Double)], 0, "first seen");
        var read = await exporter.Checkpoint(stream).ReadAsync(new ExportCheckpoint());
        Assert.NotNull(await exporter.Checkpoint(stream).TryReplaceAsync(read, read.Value with { Pending = new ExportRange(0, 0, "new chunks"), Tables = [union] }));
        await Steps.UntilIdleAsync(() => exporter.StepAsync(stream));
        await AssertVersionsAsync(stream, new()
        {
            ["csv/plant/v1"] = ([.. Fixed, "Temp DOUBLE", "Humidity DOUBLE", .. Partitions],
                ["0 20 null", "1 21 null", "2 22 null", "3 23 43.5", "4 24 44.5", "5 25 null", "6 26 null"]),
        });
    }

    /// <summary>
    /// Downloads the stream's exports and reads every table version of <paramref name="expected"/> with DuckDB, in
    /// both formats: exactly these folders, columns with their types, and rows (Sequence, Temp, Humidity — <c>-</c>
    /// for a version without the column).
    /// </summary>
    private async Task AssertVersionsAsync(Streams.Naming.StreamName stream, Dictionary<string, (string[] Columns, string[] Rows)> expected)
    {
        await DuckDbExports.DownloadAsync(azurite.Blobs, stream, _folder);
        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        foreach (var format in new[] { "parquet", "csv" })
        {
            var root = Path.Combine(_folder, format, stream.Scope, stream.Stream);
            Assert.Equal(expected.Keys.Order(), DuckDbExports.TableFolders(root, format));
            foreach (var (table, (columns, rows)) in expected)
            {
                var from = DuckDbExports.Source(duck, format, Path.Combine(root, table));
                Assert.Equal(columns, DuckDbExports.Query(duck, $"DESCRIBE SELECT * FROM {from}").Select(r => $"{r[0]} {r[1]}"));
                var humidity = columns.Contains("Humidity DOUBLE") ? "Humidity" : "NULL";
                Assert.Equal(rows, DuckDbExports.Query(duck,
                        $"SELECT Sequence, Temp, {humidity} FROM {from} WHERE SensorId = 'csv-plant' AND TimestampNanos = {Base} + Sequence * 1000000000 ORDER BY Sequence")
                    .Select(r => string.Create(CultureInfo.InvariantCulture, $"{r[0]} {r[1]} {(r[2] is DBNull ? humidity == "NULL" ? "-" : "null" : r[2])}")));
            }
        }
    }
}
