using Azure.Storage.Blobs.Models;
using DuckDB.NET.Data;
using SensorStream.Cloud.Tests.Infrastructure;
using SensorStream.Streams.BlobStreams;
using SensorStream.Streams.Events;
using SensorStream.Streams.Exporting;
using SensorStream.Streams.Mirroring;
using SensorStream.Streams.Naming;

namespace SensorStream.Cloud.Tests;

/// <summary>
/// Files follow each table's rows, not the export steps: chunks arrive one at a time and the exporter steps after
/// each (as its timer does); every table's rows collect in an open part per hour that rolls when full, when the
/// watermark closes its hour (then the markers follow) or on a flush — read back by DuckDB. A crash in the middle of
/// a roll is redone under the same names.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class ExportRollingTests(AzuriteFixture azurite) : IDisposable
{
    private const long Minute = 60_000_000_000;
    private const int HourSequence = 3_600_000; // TestEvents: 1 ms a sequence from 10:00, so this one is 11:00

    /// <summary>Parts roll at 250 rows; the roll and idle times never come during a test.</summary>
    private static readonly ExportOptions Rolling = new() { MaxRowsPerFile = 250, RollAfter = TimeSpan.FromHours(1), IdleFlushAfter = TimeSpan.FromHours(1) };

    private readonly string _folder = Directory.CreateTempSubdirectory("rolling-exports-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Chunk <paramref name="c"/>: 100 accelerometer and 30 NIC samples, chunks 0-7 at 10:00, 8-11 at 11:00.</summary>
    private static byte[][] Chunk(int c)
    {
        var (accel, nic) = c < 8 ? (c * 100L, c * 30L) : (HourSequence + (c - 8) * 100L, HourSequence + (c - 8) * 30L);
        return [SampleBatchJson.Serialize(TestEvents.Accel("accel-1", accel, 100)), SampleBatchJson.Serialize(TestEvents.Nic("nic-eth0", nic, 30))];
    }

    private static Task<List<string>> DrainAsync(Exporter exporter, StreamName stream, bool flushNow = false) =>
        Steps.DetailsUntilIdleAsync(() => exporter.StepAsync(stream, flushNow), max: 20);

    private async Task<List<string>> NamesAsync(string format, StreamName stream, string table, int hour)
    {
        var prefix = $"{format}/{stream.Scope}/{stream.Stream}/{table}/v1/date=2026-11-26/hour={hour}/";
        var names = new List<string>();
        await foreach (var item in azurite.Blobs.GetBlobContainerClient(ExportLayout.Container).GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, default))
            names.Add(item.Name[prefix.Length..]);
        return names;
    }

    private static string[] Parts(string format, params string[] ranges) => ranges.Select(r => $"part-{Range(r)}.{format}").ToArray();

    /// <summary>"0-7" → "000000000000-000000000007".</summary>
    private static string Range(string r) => string.Join('-', r.Split('-').Select(n => long.Parse(n).ToString("D12")));

    [Fact]
    public async Task Twelve_export_steps_make_eight_files_each_row_once_and_markers_only_after_the_hour_closed()
    {
        var stream = azurite.NewStream("rolling");
        var exporter = new Exporter(azurite.Store, Rolling);
        for (var c = 0; c < 12; c++)
        {
            await ChunkWriter.WriteAsync(azurite.Store, stream, [Chunk(c)]);
            await DrainAsync(exporter, stream);
        }
        // Accelerometer: 100 rows a step, so a part is full at 200 (the next 100 would pass 250) and rolls; the NIC's
        // 30 rows a step (240 in hour 10) fill no part. Nothing is marked: no watermark has closed an hour.
        foreach (var format in new[] { "csv", "parquet" })
        {
            Assert.Equal(Parts(format, "0-1", "2-3", "4-5"), await NamesAsync(format, stream, "sensor/accel-1", 10));
            Assert.Equal(Parts(format, "8-9"), await NamesAsync(format, stream, "sensor/accel-1", 11));
            Assert.Empty(await NamesAsync(format, stream, "nic", 10));
        }
        var checkpoint = (await exporter.Checkpoint(stream).ReadAsync(new ExportCheckpoint())).Value;
        Assert.Equal((12L, 800L, 760L, 8L), (checkpoint.NextChunk, checkpoint.RowsExported, checkpoint.StagedRows, checkpoint.FilesWritten));
        Assert.Equal(["sensor/accel-1 10h [6..7] 200", "nic 10h [0..7] 240", "sensor/accel-1 11h [10..11] 200", "nic 11h [8..11] 120"],
            checkpoint.Staged.Select(p => $"{p.Partition.Table} {p.Partition.Hour:HH}h [{p.FromChunk}..{p.ToChunk}] {p.Rows}"));

        // The watermark passes 11:10 with every chunk read: hour 10's open parts roll, then its markers; hour 11 waits.
        var blob = await azurite.Store.OpenAsync(stream);
        await blob.AdvanceWatermarkAsync(new CloudWatermark { LowerTimeBound = TestEvents.BaseNanos + 70 * Minute, SourceCut = "cut", Chunk = 11 });
        var details = await DrainAsync(exporter, stream);
        Assert.Equal(2, details.Count);
        Assert.StartsWith("rolled 2 part(s): 440 rows in 4 files (hour complete)", details[0]);
        Assert.StartsWith("hours before 2026-11-26 11:00Z complete", details[1]);
        foreach (var format in new[] { "csv", "parquet" })
        {
            Assert.Equal(["_SUCCESS", "_manifest.v1.json", .. Parts(format, "0-1", "2-3", "4-5", "6-7")], await NamesAsync(format, stream, "sensor/accel-1", 10));
            Assert.Equal(["_SUCCESS", "_manifest.v1.json", .. Parts(format, "0-7")], await NamesAsync(format, stream, "nic", 10));
            var manifest = (await exporter.Markers.ReadLatestAsync($"{format}/{stream.Scope}/{stream.Stream}/sensor/accel-1/v1/date=2026-11-26/hour=10/"))!;
            Assert.Equal((800L, 4), (manifest.Rows, manifest.Files.Count));
            Assert.Equal(Parts(format, "8-9"), await NamesAsync(format, stream, "sensor/accel-1", 11));
            Assert.Empty(await NamesAsync(format, stream, "nic", 11));
        }

        // A flush rolls hour 11's open parts; still no marker there.
        Assert.Equal(["rolled 2 part(s): 320 rows in 4 files (flush requested)"], await DrainAsync(exporter, stream, flushNow: true));
        foreach (var format in new[] { "csv", "parquet" })
        {
            Assert.Equal(Parts(format, "8-9", "10-11"), await NamesAsync(format, stream, "sensor/accel-1", 11));
            Assert.Equal(Parts(format, "8-11"), await NamesAsync(format, stream, "nic", 11));
        }

        // DuckDB: 12 export steps made 8 files per format; every (SensorId, Sequence) exactly once.
        await DuckDbExports.DownloadAsync(azurite.Blobs, stream, _folder);
        var expected = Enumerable.Range(0, 12).SelectMany(Chunk).SelectMany(e =>
        {
            var b = SampleBatchJson.Deserialize(e);
            return Enumerable.Range(0, b.Count).Select(k => (b.SensorId, b.FirstSequence + k));
        }).Order().ToList();
        Assert.Equal(1560, expected.Count);
        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        foreach (var (format, reader) in new[] { ("parquet", "read_parquet"), ("csv", "read_csv") })
        {
            var root = Path.Combine(_folder, format, stream.Scope, stream.Stream);
            var rows = new List<(string, long)>();
            var files = new List<long>();
            foreach (var table in new[] { "sensor/accel-1/v1", "nic/v1" })
            {
                var from = $"{reader}('{Path.Combine(root, table)}/**/*.{format}', hive_partitioning = true, filename = true)";
                rows.AddRange(DuckDbExports.Query(duck, $"SELECT SensorId, Sequence FROM {from}").Select(r => ((string)r[0], (long)r[1])));
                files.AddRange(DuckDbExports.Query(duck, $"SELECT count(*) FROM {from} GROUP BY filename ORDER BY min(Sequence)").Select(r => (long)r[0]));
            }
            Assert.Equal([200L, 200, 200, 200, 200, 200, 240, 120], files);
            Assert.Equal(expected, rows.Order().ToList());
        }
    }

    [Fact]
    public async Task A_part_of_an_older_table_version_rolls_with_that_versions_schema()
    {
        var stream = azurite.NewStream("rollversion");
        SampleBatch Plant(long first, bool humidity)
        {
            var batch = new SampleBatch("csv-plant", first, Enumerable.Range(0, 10).Select(k => TestEvents.Time(first + k)).ToArray())
                .WithColumn("Temp", Enumerable.Range(0, 10).Select(k => 20.0 + k).ToArray());
            return humidity ? batch.WithColumn("Humidity", Enumerable.Range(0, 10).Select(k => 40.0 + k).ToArray()) : batch;
        }
        byte[][] events = [SampleBatchJson.Serialize(Plant(0, false)), SampleBatchJson.Serialize(Plant(10, true))];
        var exporter = new Exporter(azurite.Store, Rolling);
        foreach (var e in events)
        {
            await ChunkWriter.WriteAsync(azurite.Store, stream, [[e]]);
            await DrainAsync(exporter, stream);
        }
        // Both versions' parts are open; the checkpoint keeps only v2's schema, so v1's part rolls with its schema record.
        Assert.Equal(["csv/plant v1", "csv/plant v2"], (await exporter.Checkpoint(stream).ReadAsync(new ExportCheckpoint())).Value.Staged.Select(p => p.Partition.Folder.Replace("/v", " v")));
        Assert.Equal(["rolled 2 part(s): 20 rows in 4 files (flush requested)"], await DrainAsync(exporter, stream, flushNow: true));
        foreach (var format in new[] { "csv", "parquet" })
        {
            var back = await ExportReadBack.ReadAsync(azurite.Blobs, $"{format}/{stream.Scope}/{stream.Stream}/");
            back.AssertExactly(TestEvents.ExpectedRows(events));
            Assert.Equal([$"csv/plant/v1/date=2026-11-26/hour=10/part-{Range("0-0")}.{format}", $"csv/plant/v2/date=2026-11-26/hour=10/part-{Range("1-1")}.{format}"],
                back.Files.Select(f => f[$"{format}/{stream.Scope}/{stream.Stream}/".Length..]));
        }
        var v1 = (await azurite.Blobs.GetBlobContainerClient(ExportLayout.Container).GetBlobClient(
            $"csv/{stream.Scope}/{stream.Stream}/csv/plant/v1/date=2026-11-26/hour=10/part-{Range("0-0")}.csv").DownloadContentAsync()).Value.Content.ToString();
        Assert.StartsWith("SensorId,Sequence,TimestampNanos,Timestamp,Temp\r\n", v1);
    }

    /// <summary>Points of a roll of 2 parts × 2 formats (4 files).</summary>
    public static TheoryData<string, int> RollCrashPoints => new()
    {
        { Exporter.Points.AfterRecordRoll, 1 },
        { Exporter.Points.AfterFile, 1 },
        { Exporter.Points.AfterFile, 3 },
        { Exporter.Points.BeforeRollDone, 1 },
    };

    [Theory]
    [MemberData(nameof(RollCrashPoints))]
    public async Task A_crash_in_the_middle_of_a_roll_is_redone_with_no_row_lost_or_duplicated(string point, int occurrence)
    {
        var stream = azurite.NewStream("rollcrash");
        var options = Rolling with { MaxRowsPerFile = 10_000 };
        var events = new List<byte[]>();
        for (var c = 0; c < 6; c++)
        {
            var chunk = Chunk(c);
            events.AddRange(chunk);
            await ChunkWriter.WriteAsync(azurite.Store, stream, [chunk]);
            await DrainAsync(new Exporter(azurite.Store, options), stream);
        }
        var crash = new Crash(point, occurrence);
        await Assert.ThrowsAsync<SimulatedCrashException>(() => new Exporter(azurite.Store, options with { Probe = crash.Probe }).StepAsync(stream, flushNow: true));

        // The restarted exporter finishes the recorded roll without being asked to flush again.
        var details = await DrainAsync(new Exporter(azurite.Store, options), stream);
        Assert.StartsWith("rolled 2 part(s): 780 rows in 4 files (flush requested)", Assert.Single(details));
        foreach (var format in new[] { "csv", "parquet" })
        {
            var back = await ExportReadBack.ReadAsync(azurite.Blobs, $"{format}/{stream.Scope}/{stream.Stream}/");
            back.AssertExactly(TestEvents.ExpectedRows(events));
            Assert.Equal([$"nic/v1/date=2026-11-26/hour=10/part-{Range("0-5")}.{format}", $"sensor/accel-1/v1/date=2026-11-26/hour=10/part-{Range("0-5")}.{format}"],
                back.Files.Select(f => f[$"{format}/{stream.Scope}/{stream.Stream}/".Length..]));
        }
        var checkpoint = (await new Exporter(azurite.Store, options).Checkpoint(stream).ReadAsync(new ExportCheckpoint())).Value;
        Assert.Equal((0, 0, 780L, 4L), (checkpoint.Staged.Count, checkpoint.Rolling.Count, checkpoint.RowsExported, checkpoint.FilesWritten));
    }
}
