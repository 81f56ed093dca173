using SensorStream.Cloud.Tests.Infrastructure;
using SensorStream.Streams.BlobStreams;
using SensorStream.Streams.Client;
using SensorStream.Streams.Events;
using SensorStream.Streams.Exporting;
using SensorStream.Streams.Mirroring;
using SensorStream.Streams.Naming;

namespace SensorStream.Cloud.Tests;

/// <summary>
/// Completeness markers end to end with real components: writers commit into the real gateway (child process) with
/// their event times, the blob mirror carries the watermark into Azurite, the exporter writes the markers. Event times
/// are driven explicitly (samples in a past hour), so nothing waits for a clock hour to pass.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class CompletenessMarkerTests(GatewayFixture fixture)
{
    private const long Minute = 60_000_000_000;
    private static readonly DateTime Hour10 = new(2026, 11, 26, 10, 0, 0, DateTimeKind.Utc);
    private static readonly ExportOptions Immediate = new() { IdleFlushAfter = TimeSpan.Zero };

    /// <summary><paramref name="count"/> NIC samples 1 ms apart from <paramref name="startNanos"/>.</summary>
    private static SampleBatch Nic(string sensor, long first, int count, long startNanos) =>
        new SampleBatch(sensor, first, Enumerable.Range(0, count).Select(k => startNanos + k * 1_000_000L).ToArray())
            .WithColumn("RxBytes", Enumerable.Range(0, count).Select(k => (long)k).ToArray());

    /// <summary>One transaction holding <paramref name="batch"/>, committed with the writer's mark <paramref name="writerTime"/>.</summary>
    private async Task CommitAsync(StreamName stream, string writer, SampleBatch batch, long writerTime)
    {
        var txn = await fixture.Client.BeginTransactionAsync(stream, TimeSpan.FromMinutes(1));
        await fixture.Client.WriteTransactionEventsAsync(stream, txn, [new OutgoingEvent(batch.SensorId, SampleBatchJson.Serialize(batch))]);
        Assert.Equal(TransactionState.Committed, await fixture.Client.CommitTransactionAsync(stream, txn, new WriterTime(writer, writerTime)));
    }

    /// <summary>Mirrors, then exports, each until idle; returns the export steps' details.</summary>
    private async Task<List<string>> SyncAsync(StreamName stream)
    {
        var mirror = new BlobMirror(fixture.Client, fixture.Storage.Store, new MirrorOptions());
        await Steps.UntilIdleAsync(() => mirror.StepAsync(stream), max: 20);
        var exporter = new Exporter(fixture.Storage.Store, Immediate);
        var results = await Steps.UntilIdleAsync(() => exporter.StepAsync(stream), max: 20);
        Assert.All(results.SkipLast(1), r => Assert.Equal(StepOutcome.Progress, r.Outcome));
        return results.SkipLast(1).Select(r => r.Detail).ToList();
    }

    private static string Partition(string format, StreamName stream, DateTime hour) =>
        ExportLayout.PartitionPrefix(Enum.Parse<ExportFormat>(format, ignoreCase: true), stream, new OpenPartition("nic", 1, hour));

    private async Task<List<string>> NamesAsync(string prefix)
    {
        var names = new List<string>();
        await foreach (var item in fixture.Storage.Blobs.GetBlobContainerClient(ExportLayout.Container).GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix, default))
            names.Add(item.Name[prefix.Length..]);
        return names;
    }

    private Task<PartitionManifest?> ManifestAsync(string prefix) => new Exporter(fixture.Storage.Store, Immediate).Markers.ReadLatestAsync(prefix);

    [Fact]
    public async Task Markers_appear_for_closed_hours_only_after_the_watermark_and_a_late_edge_gets_a_late_file_and_a_new_manifest()
    {
        var stream = fixture.Storage.NewStream("markers");
        await fixture.Client.EnsureStreamAsync(stream);
        var at10 = ExportLayout.NanosOf(Hour10);

        // Edge a: 100 samples at 10:00, and it may still write from 10:30 on. Hour 10 has files but is not complete.
        await CommitAsync(stream, "edge-a", Nic("nic-a", 0, 100, at10), at10 + 30 * Minute);
        await SyncAsync(stream);
        foreach (var format in new[] { "csv", "parquet" })
            Assert.Equal([$"part-000000000000-000000000000.{format}"], await NamesAsync(Partition(format, stream, Hour10)));
        var exporter = new Exporter(fixture.Storage.Store, Immediate);
        // Complete: the hours before 10:00 (the watermark's hour), none of which has a partition.
        var first = (await exporter.Checkpoint(stream).ReadAsync(new ExportCheckpoint())).Value;
        Assert.Equal((at10, 0L), (first.CompleteBefore, first.MarkedPartitions));

        // Edge a moves into hour 11 (mark 11:10): hour 10 gets its markers, hour 11 does not.
        await CommitAsync(stream, "edge-a", Nic("nic-a", 100, 50, at10 + 65 * Minute), at10 + 70 * Minute);
        var details = await SyncAsync(stream);
        Assert.Contains(details, d => d.StartsWith("hours before 2026-11-26 11:00Z complete (watermark 2026-11-26T11:10:00.0000000Z): markers in 1 partition(s)", StringComparison.Ordinal));
        foreach (var format in new[] { "csv", "parquet" })
        {
            var hour10 = Partition(format, stream, Hour10);
            Assert.Equal(["_SUCCESS", "_manifest.v1.json", $"part-000000000000-000000000000.{format}"], await NamesAsync(hour10));
            var manifest = (await ManifestAsync(hour10))!;
            Assert.Equal((1, "nic", 1, format, Hour10, 100L, 0L, at10 + 70 * Minute, 1L),
                (manifest.Version, manifest.Table, manifest.TableVersion, manifest.Format, manifest.Hour, manifest.Rows, manifest.LateRows, manifest.WatermarkNanos, manifest.SourceChunk));
            Assert.Equal([new ManifestFile($"part-000000000000-000000000000.{format}", 100, false)], manifest.Files);
            Assert.Equal([$"part-000000000001-000000000001.{format}"], await NamesAsync(Partition(format, stream, Hour10.AddHours(1))));
        }
        var checkpoint = (await exporter.Checkpoint(stream).ReadAsync(new ExportCheckpoint())).Value;
        Assert.Equal((ExportLayout.NanosOf(Hour10.AddHours(1)), 1L, 0L), (checkpoint.CompleteBefore, checkpoint.MarkedPartitions, checkpoint.LateRows));
        Assert.Equal([new OpenPartition("nic", 1, Hour10.AddHours(1))], checkpoint.OpenPartitions);

        // Edge b comes back after the marker with 40 samples of 10:20: never dropped, never a silent change of hour 10.
        await CommitAsync(stream, "edge-b", Nic("nic-b", 0, 40, at10 + 20 * Minute), at10 + 25 * Minute);
        Assert.Equal(at10 + 70 * Minute, (await fixture.Client.GetStreamInfoAsync(stream)).Watermark!.LowerTimeBound);
        details = await SyncAsync(stream);
        Assert.Contains(details, d => d.Contains("LATE: 40 rows of already complete hours into late files with new manifest versions in nic/v1 2026-11-26 10h", StringComparison.Ordinal));
        foreach (var format in new[] { "csv", "parquet" })
        {
            var hour10 = Partition(format, stream, Hour10);
            Assert.Equal(["_SUCCESS", "_manifest.v1.json", "_manifest.v2.json", $"late-000000000002-000000000002.{format}", $"part-000000000000-000000000000.{format}"],
                await NamesAsync(hour10));
            var manifest = (await ManifestAsync(hour10))!;
            Assert.Equal((2, 140L, 40L), (manifest.Version, manifest.Rows, manifest.LateRows));
            Assert.Equal(
                [new ManifestFile($"late-000000000002-000000000002.{format}", 40, true), new ManifestFile($"part-000000000000-000000000000.{format}", 100, false)],
                manifest.Files);
            var back = await ExportReadBack.ReadAsync(fixture.Storage.Blobs, $"{format}/{stream.Scope}/{stream.Stream}/");
            Assert.Equal((190, 0), (back.Rows.Count, back.Duplicates.Count));
        }
        checkpoint = (await exporter.Checkpoint(stream).ReadAsync(new ExportCheckpoint())).Value;
        Assert.Equal((1L, 40L), (checkpoint.MarkedPartitions, checkpoint.LateRows));
    }
}
