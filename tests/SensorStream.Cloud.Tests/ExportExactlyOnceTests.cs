using SensorStream.Cloud.Tests.Infrastructure;
using SensorStream.Streams.Exporting;
using SensorStream.Streams.Mirroring;
using SensorStream.Streams.Naming;

namespace SensorStream.Cloud.Tests;

/// <summary>Export under crashes at every point between two steps, racing exporters and a storage restart.</summary>
[Collection(StorageCollection.Name)]
public sealed class ExportExactlyOnceTests(AzuriteFixture azurite)
{
    /// <summary>Every point an export step passes, with the occurrence (a range of 2 hours × 2 formats writes 4 files).</summary>
    public static TheoryData<string, int> CrashPoints => new()
    {
        { Exporter.Points.AfterReadCheckpoint, 1 },
        { Exporter.Points.AfterRecordPlan, 1 },
        { Exporter.Points.AfterDeadLetters, 1 },
        { Exporter.Points.AfterFile, 1 },
        { Exporter.Points.AfterFile, 2 },
        { Exporter.Points.AfterFile, 3 },
        { Exporter.Points.AfterFile, 4 },
        { Exporter.Points.BeforeDone, 1 },
        { Exporter.Points.AfterRecordPlan, 2 },
        { Exporter.Points.AfterFile, 6 },
    };

    /// <summary>
    /// 3 files' worth of chunks (at most 100 rows a file), one malformed event, rows from 10:00 and 11:00 — so every
    /// kind of write (dead letter, several files and ranges) happens around the crash points.
    /// </summary>
    internal static async Task<(StreamName Stream, List<byte[]> Events)> SeedAsync(AzuriteFixture azurite, string name)
    {
        var stream = azurite.NewStream(name);
        var events = new List<byte[]>();
        for (var e = 0; e < 12; e++)
            events.Add(Streams.Events.SampleBatchJson.Serialize(TestEvents.Accel("accel-1", 3_599_900 + e * 20, 20)));
        events.Insert(3, "not an event"u8.ToArray());
        await ChunkWriter.WriteAsync(azurite.Store, stream, ChunkWriter.Split(events, 2));
        return (stream, events);
    }

    internal static ExportOptions Options(StepProbe? probe = null) => new() { IdleFlushAfter = TimeSpan.Zero, MaxRowsPerFile = 100, Probe = probe };

    internal static async Task AssertExactlyOnceAsync(AzuriteFixture azurite, StreamName stream, List<byte[]> events)
    {
        var expected = TestEvents.ExpectedRows(events);
        Assert.Equal(240, expected.Count);
        foreach (var format in new[] { "csv", "parquet" })
        {
            var back = await ExportReadBack.ReadAsync(azurite.Blobs, $"{format}/{stream.Scope}/{stream.Stream}/");
            back.AssertExactly(expected);
            // Chunk ranges of the files never overlap: no range was exported twice under two names.
            var ranges = back.Files.Select(f => f[(f.IndexOf("part-", StringComparison.Ordinal) + 5)..f.LastIndexOf('.')]).Distinct().ToList();
            // Chunk 1 holds the malformed event: 100, 80 and 60 rows.
            Assert.Equal(["000000000000-000000000002", "000000000003-000000000004", "000000000005-000000000006"], ranges);
        }
        var checkpoint = (await new Exporter(azurite.Store, Options()).Checkpoint(stream).ReadAsync(new ExportCheckpoint())).Value;
        Assert.Equal((7L, (ExportRange?)null, 13L, 240L, 1L), (checkpoint.NextChunk, checkpoint.Pending, checkpoint.EventsExported, checkpoint.RowsExported, checkpoint.DeadLettered));
    }

    [Theory]
    [MemberData(nameof(CrashPoints))]
    public async Task A_crash_at_any_point_then_a_rerun_exports_every_row_exactly_once(string point, int occurrence)
    {
        var (stream, events) = await SeedAsync(azurite, "crash");
        var crash = new Crash(point, occurrence);
        var crashing = new Exporter(azurite.Store, Options(crash.Probe));
        await Assert.ThrowsAsync<SimulatedCrashException>(async () =>
        {
            await Steps.UntilIdleAsync(() => crashing.StepAsync(stream));
        });
        Assert.True(crash.Fired);

        var restarted = new Exporter(azurite.Store, Options());
        await Steps.UntilIdleAsync(() => restarted.StepAsync(stream));
        await AssertExactlyOnceAsync(azurite, stream, events);
    }

    [Fact]
    public async Task Exporters_racing_on_one_stream_export_every_row_exactly_once()
    {
        var (stream, events) = await SeedAsync(azurite, "race");
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            var exporter = new Exporter(azurite.Store, Options());
            return (await Steps.UntilIdleAsync(() => exporter.StepAsync(stream), max: 50)).Select(r => r.Outcome).ToList();
        })));
        Assert.All(outcomes, o => Assert.Equal(StepOutcome.Idle, o[^1]));
        // At least one step per range made progress; how many more did depends on the race (an exporter may finish a
        // range another recorded — the rolled part's create-only file names make that idempotent), so the proof is in
        // the data and the checkpoint: every row once, and every range counted once.
        Assert.True(outcomes.Sum(o => o.Count(x => x == StepOutcome.Progress)) >= 3);
        await AssertExactlyOnceAsync(azurite, stream, events);
        var checkpoint = (await new Exporter(azurite.Store, Options()).Checkpoint(stream).ReadAsync(new ExportCheckpoint())).Value;
        Assert.Equal((7L, (ExportRange?)null, 13L, 240L, 1L), (checkpoint.NextChunk, checkpoint.Pending, checkpoint.EventsExported, checkpoint.RowsExported, checkpoint.DeadLettered));
    }
}
