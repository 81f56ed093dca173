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
    /// <param name="Case">What was timed.</param>
    /// <param name="Rows">Rows it produced.</param>
    /// <param name="Time">Wall time of the best run.</param>
    /// <param name="Cpu">CPU time of this process (all threads) in that run: on a shared, loaded machine the steadier figure.</param>
    /// <param name="Floor">Export steps only: the step's unavoidable I/O done raw (see <see cref="IoFloor"/>).</param>
    /// <param name="Phases">Export steps only: wall time from the step's start to each probe point it passed, in order (see <see cref="Exporter.Points"/>).</param>
    /// <param name="AllocatedBytes">Export steps only: bytes the process allocated during the step (all threads; pooled buffers reused count once).</param>
    public sealed record Result(string Case, long Rows, TimeSpan Time, TimeSpan Cpu, IoFloor? Floor = null, IReadOnlyList<(string Point, TimeSpan At)>? Phases = null,
        long? AllocatedBytes = null)
    {
        public double RowsPerSecond => Rows / Time.TotalSeconds;

        public double RowsPerCpuSecond => Rows / Math.Max(1e-6, Cpu.TotalSeconds);
    }

    /// <summary>
    /// The physical floor of an export step on the same Azurite: a raw download of the same chunk blobs
    /// (<see cref="DownloadConcurrency"/> at a time, no parsing) plus a raw upload of the same output bytes (the SDK's
    /// parallel transfer options, no conditions or metadata), one after the other — a file can be uploaded only once
    /// its rows are read. A step can approach this, not beat it.
    /// </summary>
    public sealed record IoFloor(long SourceBytes, long OutputBytes, TimeSpan Download, TimeSpan Upload)
    {
        public const int DownloadConcurrency = 4;

        public TimeSpan Total => Download + Upload;
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
        results.Add(Timed("raw Parquet.Net write", rows, await RawParquetAsync(table)));
        results.Add(Timed("Parquet writer (table → bytes)", rows, await TimeAsync(async () =>
        {
            using var output = new MemoryStream();
            await ParquetExportWriter.WriteAsync(table, output, new ExportOptions().TargetRowGroupBytes);
        })));
        results.Add(Timed("CSV writer (table → bytes)", rows, await TimeAsync(async () =>
        {
            using var output = new MemoryStream();
            await CsvExportWriter.WriteAsync(table, output);
        })));
        // The same writers into one buffer reused run after run (its capacity kept), as the export step writes into
        // reused pooled upload blocks: formatting without a growing MemoryStream's copies and fresh large arrays, which
        // cost the CSV writer (24 MB of output) far more than the Parquet writer (6 MB).
        using (var reused = new MemoryStream())
        {
            results.Add(Timed("Parquet writer (table → reused buffer)", rows, await TimeAsync(async () =>
            {
                reused.SetLength(0);
                await ParquetExportWriter.WriteAsync(table, reused, new ExportOptions().TargetRowGroupBytes);
            })));
            results.Add(Timed("CSV writer (table → reused buffer)", rows, await TimeAsync(async () =>
            {
                reused.SetLength(0);
                await CsvExportWriter.WriteAsync(table, reused);
            })));
        }
        results.Add(Timed("parse events → table", rows, await TimeAsync(() =>
        {
            ExportTableBuilder.Build(events.Select(e => SampleBatchJson.Deserialize(e)).ToList());
            return Task.CompletedTask;
        })));

        // For comparison only (#16: JSON stays the event format): the same events as little-endian arrays, "parsed" by copying.
        var binary = events.Select(e => BinaryEvent.Encode(SampleBatchJson.Deserialize(e))).ToList();
        results.Add(Timed("parse binary arrays → table (comparison)", rows, await TimeAsync(() =>
        {
            ExportTableBuilder.Build(binary.Select(BinaryEvent.Decode).ToList());
            return Task.CompletedTask;
        })));

        var store = new BlobStreamStore(blobs);
        foreach (var format in new[] { ExportFormat.Parquet, ExportFormat.Csv })
        {
            // A warm-up export of a few events first, so the step runs JIT-compiled code as the in-memory cases do.
            await ExportStepAsync(store, events.Take(Math.Min(events.Count, 3)).ToList(), eventsPerChunk, format, rows);
            var (stream, time, phases, allocated) = await ExportStepAsync(store, events, eventsPerChunk, format, rows);
            results.Add(Timed($"export step → {format} in Azurite", rows, time) with
            {
                Floor = await MeasureFloorAsync(blobs, stream, format), Phases = phases, AllocatedBytes = allocated,
            });
        }
        return results;
    }

    /// <summary>Appends <paramref name="events"/> to a new blob stream, then times export steps until it is all exported (files rolled).</summary>
    private static async Task<(StreamName Stream, (TimeSpan Wall, TimeSpan Cpu) Time, IReadOnlyList<(string, TimeSpan)> Phases, long Allocated)> ExportStepAsync(
        BlobStreamStore store, List<byte[]> events, int eventsPerChunk, ExportFormat format, long rows)
    {
        var stream = new StreamName("bench", $"export-{format}-{Guid.NewGuid():N}"[..30]);
        var blob = await store.OpenAsync(stream);
        ChunkInfo? last = null;
        foreach (var chunk in events.Chunk(eventsPerChunk))
            last = await blob.AppendAsync(last, chunk.Select(e => (ReadOnlyMemory<byte>)e).ToList(), new StreamCut { Text = "bench" });
        var phases = new List<(string, TimeSpan)>();
        var clock = new Stopwatch();
        var exporter = new Exporter(store, new ExportOptions
        {
            Formats = [format], IdleFlushAfter = TimeSpan.Zero, MaxRowsPerFile = rows, MaxSourceBytesPerStep = long.MaxValue,
            Probe = point => phases.Add((point, clock.Elapsed)),
        });
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var time = await TimeAsync(async () =>
        {
            clock.Start();
            while ((await exporter.StepAsync(stream)).Outcome == StepOutcome.Progress) phases.Add(("step end", clock.Elapsed));
        }, runs: 1);
        return (stream, time, phases, GC.GetTotalAllocatedBytes(precise: true) - allocated);
    }

    /// <summary>The raw I/O floor of the step that exported <paramref name="stream"/> (see <see cref="IoFloor"/>); best of 2.</summary>
    private static async Task<IoFloor> MeasureFloorAsync(BlobServiceClient blobs, StreamName stream, ExportFormat format)
    {
        var source = blobs.GetBlobContainerClient(BlobStreamLayout.Container);
        var chunks = new List<string>();
        await foreach (var item in source.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, BlobStreamLayout.Prefix(stream), default))
            if (BlobStreamLayout.TryParseChunk(item.Name, out _)) chunks.Add(item.Name);
        var exports = blobs.GetBlobContainerClient(ExportLayout.Container);
        var files = new List<BinaryData>();
        await foreach (var item in exports.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, ExportLayout.StreamPrefix(format, stream), default))
            if (item.Name.EndsWith("." + format.Extension(), StringComparison.Ordinal))
                files.Add((await exports.GetBlobClient(item.Name).DownloadContentAsync()).Value.Content);
        var target = blobs.GetBlobContainerClient("raw-export-floor");
        await target.CreateIfNotExistsAsync();
        // The SDK's parallel upload with the exporter's block size and concurrency: the floor moves with them.
        var transfer = new Azure.Storage.StorageTransferOptions
        {
            MaximumConcurrency = Exporter.FileBlocksInFlight, InitialTransferSize = Exporter.FileSinglePutBytes, MaximumTransferSize = Exporter.FileBlockBytes,
        };

        (TimeSpan Download, TimeSpan Upload)? best = null;
        long sourceBytes = 0;
        for (var run = 0; run < 2; run++)
        {
            var clock = Stopwatch.StartNew();
            sourceBytes = 0;
            await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = IoFloor.DownloadConcurrency }, async (name, ct) =>
            {
                var length = (await source.GetBlobClient(name).DownloadContentAsync(ct)).Value.Content.ToMemory().Length;
                Interlocked.Add(ref sourceBytes, length);
            });
            var download = clock.Elapsed;
            clock.Restart();
            for (var i = 0; i < files.Count; i++)
                await target.GetBlobClient($"{stream.Stream}/{run}/{i}").UploadAsync(files[i], new Azure.Storage.Blobs.Models.BlobUploadOptions { TransferOptions = transfer });
            var upload = clock.Elapsed;
            if (best is not { } b || download + upload < b.Download + b.Upload) best = (download, upload);
        }
        return new IoFloor(sourceBytes, files.Sum(f => (long)f.ToMemory().Length), best!.Value.Download, best.Value.Upload);
    }

    private static Result Timed(string name, long rows, (TimeSpan Wall, TimeSpan Cpu) time) => new(name, rows, time.Wall, time.Cpu);

    /// <summary>The baseline: Parquet.Net writing the table's arrays directly, with the exporter's options.</summary>
    private static Task<(TimeSpan Wall, TimeSpan Cpu)> RawParquetAsync(ExportTable table) => TimeAsync(async () =>
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
    private static async Task<(TimeSpan Wall, TimeSpan Cpu)> TimeAsync(Func<Task> work, int runs = 3)
    {
        var best = (Wall: TimeSpan.MaxValue, Cpu: TimeSpan.Zero);
        using var process = Process.GetCurrentProcess();
        for (var i = 0; i < runs; i++)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            await work();
            var wall = clock.Elapsed;
            process.Refresh();
            if (wall < best.Wall) best = (wall, process.TotalProcessorTime - cpu);
        }
        return best;
    }

    /// <summary>
    /// A binary event encoding, measured for comparison only: sensor id, first sequence, count, then TimestampNanos
    /// and each double column as raw little-endian arrays (no names beyond the column's, no number text).
    /// </summary>
    private static class BinaryEvent
    {
        public static byte[] Encode(SampleBatch batch)
        {
            using var stream = new MemoryStream();
            using var writer = new BinaryWriter(stream);
            writer.Write(batch.SensorId);
            writer.Write(batch.FirstSequence);
            writer.Write(batch.Count);
            writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(batch.TimestampNanos.AsSpan()));
            writer.Write(batch.DoubleColumns.Count);
            foreach (var (name, values) in batch.DoubleColumns)
            {
                writer.Write(name);
                writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
            }
            writer.Flush();
            return stream.ToArray();
        }

        public static SampleBatch Decode(byte[] data)
        {
            using var reader = new BinaryReader(new MemoryStream(data));
            var sensor = reader.ReadString();
            var first = reader.ReadInt64();
            var count = reader.ReadInt32();
            var times = new long[count];
            reader.Read(System.Runtime.InteropServices.MemoryMarshal.AsBytes(times.AsSpan()));
            var batch = new SampleBatch(sensor, first, times);
            for (var c = reader.ReadInt32(); c > 0; c--)
            {
                var name = reader.ReadString();
                var values = new double[count];
                reader.Read(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
                batch.WithColumn(name, values);
            }
            return batch;
        }
    }
}
