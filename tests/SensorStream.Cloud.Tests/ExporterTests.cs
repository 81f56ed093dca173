using System.Text;
using System.Text.Json;
using SensorStream.Cloud.Tests.Infrastructure;
using SensorStream.Streams.Events;
using SensorStream.Streams.Exporting;
using SensorStream.Streams.Mirroring;
using SensorStream.Streams.Naming;

namespace SensorStream.Cloud.Tests;

[Collection(StorageCollection.Name)]
public sealed class ExporterTests(AzuriteFixture azurite)
{
    private static readonly ExportOptions Immediate = new() { IdleFlushAfter = TimeSpan.Zero };

    private Exporter Exporter(ExportOptions options) => new(azurite.Store, options);

    /// <summary>Steps until idle; returns the outcomes.</summary>
    private static Task<List<StepResult>> DrainAsync(Exporter exporter, StreamName stream, int max = 100) =>
        Steps.UntilIdleAsync(() => exporter.StepAsync(stream), max);

    private Task<ExportReadBack> ReadAsync(string format, StreamName stream) =>
        ExportReadBack.ReadAsync(azurite.Blobs, $"{format}/{stream.Scope}/{stream.Stream}/");

    [Fact]
    public async Task Csv_and_parquet_hold_every_sample_once_with_its_values_under_hive_names()
    {
        var stream = azurite.NewStream("roundtrip");
        var events = TestEvents.Mixed(events: 6, samples: 50);
        await ChunkWriter.WriteAsync(azurite.Store, stream, ChunkWriter.Split(events, 2));

        var results = await DrainAsync(Exporter(Immediate), stream);
        Assert.Equal([StepOutcome.Progress, StepOutcome.Idle], results.Select(r => r.Outcome));

        var expected = TestEvents.ExpectedRows(events);
        Assert.Equal(300, expected.Count);
        foreach (var format in new[] { "csv", "parquet" })
        {
            var back = await ReadAsync(format, stream);
            // One table per sensor kind: nic- ids by their prefix, the accelerometer (no known prefix) by its id.
            Assert.Equal(
            [
                $"{format}/{stream.Scope}/{stream.Stream}/nic/v1/date=2026-11-26/hour=10/part-000000000000-000000000002.{format}",
                $"{format}/{stream.Scope}/{stream.Stream}/sensor/accel-1/v1/date=2026-11-26/hour=10/part-000000000000-000000000002.{format}",
            ], back.Files);
            back.AssertExactly(expected);
        }
        var checkpoint = (await Exporter(Immediate).Checkpoint(stream).ReadAsync(new ExportCheckpoint())).Value;
        Assert.Equal(new ExportCheckpoint
        {
            NextChunk = 3, EventsExported = 6, RowsExported = 300, FilesWritten = 4, Tables = checkpoint.Tables, OpenPartitions = checkpoint.OpenPartitions, Staged = checkpoint.Staged, Rolling = checkpoint.Rolling,
        }, checkpoint);
        // Without a watermark (these chunks came from no gateway) the hour waits for its marker.
        Assert.Equal([new OpenPartition("nic", 1, new DateTime(2026, 11, 26, 10, 0, 0, DateTimeKind.Utc)), new OpenPartition("sensor/accel-1", 1, new DateTime(2026, 11, 26, 10, 0, 0, DateTimeKind.Utc))],
            checkpoint.OpenPartitions);
        Assert.Equal([("nic", 1, 9), ("sensor/accel-1", 1, 3)], checkpoint.Tables.Select(t => (t.Table, t.Version, t.Columns.Count)));
    }

    [Fact]
    public async Task Csv_has_a_header_crlf_and_rfc4180_quoting()
    {
        var stream = azurite.NewStream("csvtext");
        await ChunkWriter.WriteAsync(azurite.Store, stream, [[SampleBatchJson.Serialize(TestEvents.Nic("nic-eth0", 5, 2))]]);
        await DrainAsync(Exporter(Immediate), stream);
        var back = await ReadAsync("csv", stream);
        var text = (await azurite.Blobs.GetBlobContainerClient("exports").GetBlobClient(back.Files.Single()).DownloadContentAsync()).Value.Content.ToString();
        // The NIC table's declared columns, in order; the ones this event lacks are empty.
        Assert.Equal(
            "SensorId,Sequence,TimestampNanos,Timestamp,RxBytes,TxBytes,RxPackets,TxPackets,RxErrors,TxErrors,CounterResets,RemoteAddr,Interface\r\n" +
            $"nic-eth0,5,{TestEvents.Time(5)},2026-11-26T10:00:00.005000Z,51,38,,,,,,,\"eth0, \"\"main\"\"\"\r\n" +
            $"nic-eth0,6,{TestEvents.Time(6)},2026-11-26T10:00:00.006000Z,61,45,,,,,,,\"eth0, \"\"main\"\"\"\r\n", text);
    }

    [Fact]
    public async Task Files_roll_by_rows_and_a_backlog_is_exported_in_bounded_steps()
    {
        var stream = azurite.NewStream("backlog");
        var events = TestEvents.Mixed(events: 40, samples: 100);
        await ChunkWriter.WriteAsync(azurite.Store, stream, ChunkWriter.Split(events, 1));
        var options = Immediate with { MaxRowsPerFile = 750 };

        var results = await DrainAsync(Exporter(options), stream);
        // 7 chunks of 100 rows fit in 750: 40 chunks → 6 files of 7 chunks (the last holds 5), each step one file.
        Assert.Equal(6, results.Count(r => r.Outcome == StepOutcome.Progress));
        Assert.Equal([true, true, true, true, true, false], results.Where(r => r.Outcome == StepOutcome.Progress).Select(r => r.MoreAvailable));
        Assert.Equal([7L, 7, 7, 7, 7, 5], results.Where(r => r.Outcome == StepOutcome.Progress).Select(r => r.Events));
        var back = await ReadAsync("parquet", stream);
        string[] ranges = ["000000000000-000000000006", "000000000007-000000000013", "000000000014-000000000020", "000000000021-000000000027", "000000000028-000000000034", "000000000035-000000000039"];
        // Each range holds both kinds: one file per range in each table (nic/…, then sensor/accel-1/…).
        Assert.Equal([.. ranges, .. ranges], back.Files.Select(f => f[(f.IndexOf("part-", StringComparison.Ordinal) + 5)..f.LastIndexOf('.')]));
        Assert.Equal(6, back.Files.Count(f => f.Contains("/nic/v1/", StringComparison.Ordinal)));
        back.AssertExactly(TestEvents.ExpectedRows(events));
    }

    [Fact]
    public async Task Rows_are_partitioned_by_the_hour_of_their_event_time()
    {
        var stream = azurite.NewStream("hours");
        // Sequence 3_599_990.. crosses 11:00 after 10 samples (1 ms apart from 10:00).
        var batch = TestEvents.Accel("accel-1", 3_599_990, 20);
        await ChunkWriter.WriteAsync(azurite.Store, stream, [[SampleBatchJson.Serialize(batch)]]);
        await DrainAsync(Exporter(Immediate), stream);
        var back = await ReadAsync("csv", stream);
        var prefix = $"csv/{stream.Scope}/{stream.Stream}/sensor/accel-1/v1/date=2026-11-26/";
        Assert.Equal([prefix + "hour=10/part-000000000000-000000000000.csv", prefix + "hour=11/part-000000000000-000000000000.csv"], back.Files);
        Assert.Equal(20, back.Rows.Count);
        Assert.All(back.Rows.Values, r => Assert.Equal(long.Parse(r["Sequence"]) < 3_600_000 ? 10 : 11,
            DateTime.UnixEpoch.AddTicks(long.Parse(r["TimestampNanos"]) / 100).Hour));
    }

    [Fact]
    public async Task An_empty_stream_exports_nothing_and_records_nothing()
    {
        var stream = azurite.NewStream("empty");
        var result = await Exporter(Immediate).StepAsync(stream);
        Assert.Equal(StepOutcome.Idle, result.Outcome);
        Assert.False(result.MoreAvailable);
        Assert.Empty((await ReadAsync("csv", stream)).Files);
        Assert.Null((await Exporter(Immediate).Checkpoint(stream).ReadAsync(new ExportCheckpoint())).ETag);
    }

    [Fact]
    public async Task An_open_part_rolls_after_the_idle_time_a_busy_one_after_the_roll_time_and_at_once_on_a_flush()
    {
        var stream = azurite.NewStream("idle");
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var options = new ExportOptions { IdleFlushAfter = TimeSpan.FromSeconds(60), RollAfter = TimeSpan.FromSeconds(300), Clock = clock };
        await ChunkWriter.WriteAsync(azurite.Store, stream, [[SampleBatchJson.Serialize(TestEvents.Nic("n", 0, 10))]]);

        // The chunk is taken at once; its rows wait in the open part.
        Assert.Equal(StepOutcome.Progress, (await Exporter(options).StepAsync(stream)).Outcome);
        var waiting = await Exporter(options).StepAsync(stream);
        Assert.Equal(StepOutcome.Idle, waiting.Outcome);
        Assert.Matches(@"^10 rows in 1 open part\(s\); next roll in \d+ s$", waiting.Detail);
        Assert.Empty((await ReadAsync("csv", stream)).Files);

        clock.Now += TimeSpan.FromSeconds(61);
        var flushed = await Exporter(options).StepAsync(stream);
        Assert.Equal(StepOutcome.Progress, flushed.Outcome);
        Assert.Contains("rolled 1 part(s): 10 rows in 2 files (idle flush", flushed.Detail);
        Assert.Equal(10, (await ReadAsync("csv", stream)).Rows.Count);

        // Roll by time: rows keep arriving (the newest chunk is fresh) but the part's oldest have waited the roll time.
        await ChunkWriter.WriteAsync(azurite.Store, stream, [[SampleBatchJson.Serialize(TestEvents.Nic("n", 10, 10))]]);
        clock.Now = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        await Exporter(options).StepAsync(stream);
        Assert.Equal(StepOutcome.Idle, (await Exporter(options).StepAsync(stream)).Outcome);
        await ChunkWriter.WriteAsync(azurite.Store, stream, [[SampleBatchJson.Serialize(TestEvents.Nic("n", 20, 10))]]);
        clock.Now = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(301);
        var rolled = await Exporter(options with { IdleFlushAfter = TimeSpan.FromHours(1) }).StepAsync(stream);
        Assert.Contains("roll time", rolled.Detail);
        var back = await ReadAsync("csv", stream);
        Assert.Equal(30, back.Rows.Count);
        // The two chunks that arrived 30 s apart went into one file.
        Assert.EndsWith("part-000000000001-000000000002.csv", back.Files[^1]);

        // A manual trigger rolls at once.
        await ChunkWriter.WriteAsync(azurite.Store, stream, [[SampleBatchJson.Serialize(TestEvents.Nic("n", 30, 10))]]);
        Assert.Contains("flush requested", (await Exporter(options).StepAsync(stream, flushNow: true)).Detail);
        Assert.Equal(40, (await ReadAsync("parquet", stream)).Rows.Count);
    }

    [Fact]
    public async Task Undecodable_events_are_dead_lettered_with_their_reason_and_a_field_clash_between_sensors_is_not()
    {
        var stream = azurite.NewStream("bad");
        var good1 = SampleBatchJson.Serialize(TestEvents.Nic("nic-eth0", 0, 5));
        var notJson = Encoding.UTF8.GetBytes("{\"SensorId\": ");
        var noTimes = Encoding.UTF8.GetBytes("{\"SensorId\":\"x\",\"FirstSequence\":1}");
        // Interface is a per-sample number here and the NIC's text scalar: another sensor, another table — exported.
        var clash = Encoding.UTF8.GetBytes("{\"SensorId\":\"y\",\"FirstSequence\":0,\"TimestampNanos\":[1795687200000000000],\"Interface\":[1]}");
        var good2 = SampleBatchJson.Serialize(TestEvents.Accel("accel-1", 0, 5));
        await ChunkWriter.WriteAsync(azurite.Store, stream, [[good1, notJson, noTimes], [clash, good2]]);

        await DrainAsync(Exporter(Immediate), stream);
        (await ReadAsync("csv", stream)).AssertExactly(TestEvents.ExpectedRows([good1, clash, good2]));
        (await ReadAsync("parquet", stream)).AssertExactly(TestEvents.ExpectedRows([good1, clash, good2]));

        var catalog = new ExportCatalog(azurite.Blobs);
        var letters = new List<string>();
        await foreach (var name in catalog.ListDeadLettersAsync(stream)) letters.Add(name);
        var prefix = $"deadletter/{stream.Scope}/{stream.Stream}/";
        Assert.Equal([prefix + "chunk-000000000000-event-000001.json", prefix + "chunk-000000000000-event-000002.json"], letters);
        var entries = new List<DeadLetters.Entry>();
        foreach (var name in letters) entries.Add((await catalog.DownloadAsync(name)).ToObjectFromJson<DeadLetters.Entry>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!);
        Assert.Contains("not valid JSON", entries[0].Reason);
        Assert.Equal("event has no TimestampNanos array", entries[1].Reason);
        Assert.Equal(notJson, Convert.FromBase64String(entries[0].DataBase64));
        Assert.Equal(2, (await Exporter(Immediate).Checkpoint(stream).ReadAsync(new ExportCheckpoint())).Value.DeadLettered);
    }

    [Fact]
    public async Task An_event_over_the_event_limit_is_dead_lettered_unparsed_with_its_size_and_the_limit()
    {
        Assert.Equal(8_388_608, new ExportOptions().MaxEventBytes); // Pravega's limit, the gateway's and the collector's
        var stream = azurite.NewStream("limit");
        var fits = SampleBatchJson.Serialize(TestEvents.Nic("nic-eth0", 0, 5));
        // Valid JSON one byte over the limit (the limit is set to the first event's size): refused by size, not parsed.
        var over = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(fits) + " ");
        var limit = fits.Length;
        Assert.Equal(limit + 1, over.Length);
        await ChunkWriter.WriteAsync(azurite.Store, stream, [[fits, over]]);

        await DrainAsync(Exporter(Immediate with { MaxEventBytes = limit }), stream);
        (await ReadAsync("csv", stream)).AssertExactly(TestEvents.ExpectedRows([fits]));

        var catalog = new ExportCatalog(azurite.Blobs);
        var letters = new List<string>();
        await foreach (var name in catalog.ListDeadLettersAsync(stream)) letters.Add(name);
        Assert.Equal([$"deadletter/{stream.Scope}/{stream.Stream}/chunk-000000000000-event-000001.json"], letters);
        var entry = (await catalog.DownloadAsync(letters[0])).ToObjectFromJson<DeadLetters.Entry>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.Equal($"event of {limit + 1} bytes is over the {limit}-byte event limit (Pravega's 8 MiB, the gateway's --max-event-bytes default); not parsed", entry.Reason);
        Assert.Equal(over, Convert.FromBase64String(entry.DataBase64));
    }
}
