using System.Diagnostics;
using Azure.Storage.Blobs;
using Parquet;
using Parquet.Schema;
using SensorStream.Streams.BlobStreams;
using SensorStream.Streams.Events;
using SensorStream.Streams.Exporting;
using SensorStream.Streams.Mirroring;
using SensorStream.Streams.Naming;
using SensorStream.Streams.Protocol;

namespace SensorStream.Benchmarks.Cloud;

/// <summary>
/// Export rows/s: the whole export step (read chunks, parse events, build the table, write, upload) and the writers
/// alone, each against a raw Parquet.Net write of the same columns (same compression and encodings) in memory.
/// </summary>
public static class ExportBenchmark
{
    public sealed record Result(string Case, long Rows, TimeSpan Time)
    {
        public double RowsPerSecond => Rows / Time.TotalSeconds;
    }

    /// <summary>Accelerometer events (X, Y, Z doubles) of <paramref name="samples"/> samples each.</summary>
    public static List<byte[]> Events(int events, int samples)
    {
        var result = new List<byte[]>();
        var rng = new Random(1);
        for (var e = 0; e < events; e++)
        {
            var first = (long)e * samples;
            var batch = new SampleBatch("accel-1", first, Enumerable.Range(0, samples).Select(k => 1_795_687_200_000_000_000 + (first + k) * 1_000_000).ToArray())
                .WithColumn("X", Enumerable.Range(0, samples).Select(_ => rng.NextDouble() * 20 - 10).ToArray())
                .WithColumn("Y", Enumerable.Range(0, samples).Select(_ => rng.NextDouble() * 20 - 10).ToArray())
                .WithColumn("Z", Enumerable.Range(0, samples).Select(_ => 9.81 + rng.NextDouble()).ToArray());
            result.Add(SampleBatchJson.Serialize(batch));
        }
        return result;
    }

    public static async Task<List<Result>> RunAsync(BlobServiceClient blobs, List<byte[]> events, int eventsPerChunk)
    {
        var results = new List<Result>();
        var table = ExportTableBuilder.Build(events.Select(e => SampleBatchJson.Deserialize(e)).ToList());
        long rows = table.RowCount;

        // In-memory cases: best of 3 (the first run also warms up the JIT). Export steps: once each, on their own stream.
        results.Add(new Result("raw Parquet.Net write", rows, await RawParquetAsync(table)));
        results.Add(new Result("Parquet writer (table → bytes)", rows, await TimeAsync(async () =>
        {
            using var output = new MemoryStream();
            await ParquetExportWriter.WriteAsync(table, output, new ExportOptions().TargetRowGroupBytes);
        })));
        results.Add(new Result("CSV writer (table → bytes)", rows, await TimeAsync(async () =>
        {
            using var output = new MemoryStream();
            await CsvExportWriter.WriteAsync(table, output);
        })));
        results.Add(new Result("parse events → table", rows, await TimeAsync(() =>
        {
            ExportTableBuilder.Build(events.Select(e => SampleBatchJson.Deserialize(e)).ToList());
            return Task.CompletedTask;
        })));

        var store = new BlobStreamStore(blobs);
        foreach (var format in new[] { ExportFormat.Parquet, ExportFormat.Csv })
        {
            var stream = new StreamName("bench", $"export-{format}-{Guid.NewGuid():N}"[..30]);
            var blob = await store.OpenAsync(stream);
            ChunkInfo? last = null;
            foreach (var chunk in events.Chunk(eventsPerChunk))
                last = await blob.AppendAsync(last, chunk.Select(e => (ReadOnlyMemory<byte>)e).ToList(), new StreamCut { Text = "bench" });
            var exporter = new Exporter(store, new ExportOptions { Formats = [format], IdleFlushAfter = TimeSpan.Zero, MaxRowsPerFile = rows, MaxSourceBytesPerStep = long.MaxValue });
            results.Add(new Result($"export step → {format} in Azurite", rows, await TimeAsync(async () =>
            {
                while ((await exporter.StepAsync(stream)).Outcome == StepOutcome.Progress) { }
            }, runs: 1)));
        }
        return results;
    }

    /// <summary>The baseline: Parquet.Net writing the table's arrays directly, with the exporter's options.</summary>
    private static Task<TimeSpan> RawParquetAsync(ExportTable table) => TimeAsync(async () =>
    {
        var fields = new DataField[]
        {
            new DataField<string>("SensorId", false), new DataField<long>("Sequence"), new DataField<long>("TimestampNanos"),
            new DataField<double>("X"), new DataField<double>("Y"), new DataField<double>("Z"),
        };
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Snappy };
        options.ColumnEncodingHints[fields[0].Path.ToString()] = EncodingHint.Dictionary;
        options.ColumnEncodingHints[fields[1].Path.ToString()] = EncodingHint.DeltaBinaryPacked;
        options.ColumnEncodingHints[fields[2].Path.ToString()] = EncodingHint.DeltaBinaryPacked;
        using var output = new MemoryStream();
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), output, options);
        using var group = writer.CreateRowGroup();
        await group.WriteAsync(fields[0], table.Columns[0].Strings!);
        await group.WriteAsync<long>(fields[1], table.Columns[1].Longs.AsMemory(), null, null, default);
        await group.WriteAsync<long>(fields[2], table.Columns[2].Longs.AsMemory(), null, null, default);
        // The table has Timestamp at 3, so X, Y, Z are its columns 4..6.
        for (var c = 3; c < 6; c++) await group.WriteAsync<double>(fields[c], table.Columns[c + 1].Doubles.AsMemory(), null, null, default);
    });

    /// <summary>Best of <paramref name="runs"/>: the machine is shared, the best run is the least disturbed one.</summary>
    private static async Task<TimeSpan> TimeAsync(Func<Task> work, int runs = 3)
    {
        var best = TimeSpan.MaxValue;
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            await work();
            if (clock.Elapsed < best) best = clock.Elapsed;
        }
        return best;
    }
}
