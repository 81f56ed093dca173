using System.Buffers;
using System.Diagnostics;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using SensorStream.Benchmarks.Gateway;
using SensorStream.Streams.BlobStreams;
using SensorStream.Streams.Client;
using SensorStream.Streams.Mirroring;
using SensorStream.Streams.Naming;

namespace SensorStream.Benchmarks.Cloud;

/// <summary>
/// Mirror throughput (gateway → blob stream, until caught up) against the raw SDK upload of the same bytes in the same
/// blob sizes to the same Azurite: what the mirror costs on top of moving the bytes.
/// </summary>
public static class MirrorBenchmark
{
    /// <param name="SourceRead">Reading the source as the mirror does (ReadEventBatches, or ReadEvents from a public-protocol gateway).</param>
    /// <param name="PerEventRead">Reading the source with ReadEvents, one message per event.</param>
    /// <param name="SourceReadCpu">CPU time (gateway + this process) of <paramref name="SourceRead"/>; steadier than wall time on a busy machine.</param>
    /// <param name="PerEventReadCpu">CPU time (gateway + this process) of <paramref name="PerEventRead"/>.</param>
    public sealed record Result(long Events, long Bytes, int Chunks, TimeSpan Mirror, TimeSpan Raw, TimeSpan SourceRead, TimeSpan PerEventRead,
        TimeSpan SourceReadCpu, TimeSpan PerEventReadCpu, MirrorBreakdown Breakdown)
    {
        /// <summary>Reading the source alone, as a share of the mirror's time: the part the blob write cannot speed up.</summary>
        public double SourceShare => SourceRead / Mirror;

        public double MirrorMBps => Bytes / 1e6 / Mirror.TotalSeconds;

        public double RawMBps => Bytes / 1e6 / Raw.TotalSeconds;

        public double Ratio => Raw / Mirror;

        /// <summary>Against reading the source and uploading the bytes one after the other: the mirror's own overhead.</summary>
        public double RatioToReadPlusUpload => (SourceRead + Raw) / Mirror;
    }

    /// <summary>
    /// Where the mirror's and the raw upload's time and CPU went: per step, the wait for the source batch (start →
    /// <see cref="BlobMirror.Points.AfterRead"/>), the chunk write (→ <see cref="BlobMirror.Points.AfterCommit"/>:
    /// encoding and the create-only upload) and the rest (hint, watermark); CPU time of each process; what this
    /// process allocated and its GCs during the mirror.
    /// </summary>
    public sealed record MirrorBreakdown(TimeSpan WaitForBatch, TimeSpan ChunkWrite, TimeSpan StepRest,
        TimeSpan MirrorCpuSelf, TimeSpan MirrorCpuGateway, TimeSpan MirrorCpuAzurite, TimeSpan RawCpuSelf, TimeSpan RawCpuAzurite,
        TimeSpan ReadCpuSelf, TimeSpan ReadCpuGateway, long MirrorAllocated, int MirrorGen0, int MirrorGen2, long RawAllocated, long ReadAllocated,
        TimeSpan ChunkEncode);

    public static async Task<Result> RunAsync(GatewayClient gateway, int gatewayPid, int azuritePid, BlobServiceClient blobs, int events, int eventBytes, MirrorOptions options,
        bool cold = false)
    {
        var payload = new byte[eventBytes];
        Random.Shared.NextBytes(payload);
        var stream = await WriteStreamAsync(gateway, eventBytes, events, payload);
        // A stream of three chunks' worth of the same events, mirrored once before the clock (and three raw uploads of
        // that size): both paths measured warm (JIT tiering here, the SDK's request path with conditions and metadata,
        // Azurite's code) — a long-running mirror is warm; measured cold, the case that ran first in the process paid
        // the warm-up alone (#16: the 1 KiB case ran first and looked like a per-event cost).
        // cold: as measured before (one raw upload of warm-up, none of the mirror), to show the difference.
        var warmStream = cold ? null : await WriteStreamAsync(gateway, eventBytes, (int)Math.Min(events, 3 * options.MaxBytes / eventBytes), payload);

        // Both reads once to warm up (JIT, the gateway's file cache), then each measured: wall and CPU time.
        var tail = (await gateway.GetStreamInfoAsync(stream)).Tail;
        Func<Task> perEvent = async () => { await foreach (var _ in gateway.ReadRangeAsync(stream, null, tail)) { } };
        Func<Task> batched = async () => { await foreach (var read in SourceBatch.Read(gateway, stream, null, tail, options, CancellationToken.None)) read.Dispose(); };
        await perEvent();
        await batched();
        var (perEventTime, perEventCpu) = await MeasureAsync(perEvent, gatewayPid);
        var (readSelf0, readGw0, readAlloc0) = (ProcessCpu.OfThisProcess(), ProcessCpu.Of(gatewayPid), GC.GetTotalAllocatedBytes(precise: true));
        var (readTime, readCpu) = await MeasureAsync(batched, gatewayPid);
        var (readSelf, readGw, readAlloc) = (ProcessCpu.OfThisProcess() - readSelf0, ProcessCpu.Of(gatewayPid) - readGw0, GC.GetTotalAllocatedBytes(precise: true) - readAlloc0);

        var store = new BlobStreamStore(blobs);
        await store.OpenAsync(stream); // makes its container, as the raw upload's is made before its clock starts
        // Warms the upload path (SDK code, connections, Azurite) as the reads were warmed: the mirror runs first.
        var container = blobs.GetBlobContainerClient("raw-upload");
        await container.CreateIfNotExistsAsync();
        for (var i = 0; i < (cold ? 1 : 3); i++)
            await container.GetBlobClient($"{stream.Stream}/warm-up-{i}").UploadAsync(new BinaryData(new byte[options.MaxBytes]), new BlobUploadOptions());
        if (warmStream is not null)
        {
            await using var warm = new BlobMirror(gateway, store, options);
            while ((await warm.StepAsync(warmStream)).Outcome == StepOutcome.Progress) { }
        }
        var step = new Stopwatch();
        TimeSpan wait = default, write = default, rest = default, mark = default;
        void Probe(string point)
        {
            var now = step.Elapsed;
            if (point == BlobMirror.Points.AfterRead) wait += now - mark;
            else if (point == BlobMirror.Points.AfterCommit) write += now - mark;
            mark = now;
        }
        await using var mirror = new BlobMirror(gateway, store, options with { Probe = Probe });
        var (self0, gw0, az0) = (ProcessCpu.OfThisProcess(), ProcessCpu.Of(gatewayPid), ProcessCpu.Of(azuritePid));
        var (alloc0, gen00, gen20) = (GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0), GC.CollectionCount(2));
        var clock = Stopwatch.StartNew();
        var chunks = 0;
        while (true)
        {
            mark = TimeSpan.Zero;
            step.Restart();
            var outcome = (await mirror.StepAsync(stream)).Outcome;
            if (outcome == StepOutcome.Progress) rest += step.Elapsed - mark;
            else break;
            chunks++;
        }
        var mirrorTime = clock.Elapsed;
        var (mSelf, mGw, mAz) = (ProcessCpu.OfThisProcess() - self0, ProcessCpu.Of(gatewayPid) - gw0, ProcessCpu.Of(azuritePid) - az0);
        var (mAlloc, mGen0, mGen2) = (GC.GetTotalAllocatedBytes(precise: true) - alloc0, GC.CollectionCount(0) - gen00, GC.CollectionCount(2) - gen20);

        // Raw: the same chunk bodies, uploaded with the plain SDK call (no conditions, no metadata, no source read).
        var bodies = new List<byte[]>();
        var blob = await store.OpenAsync(stream);
        var chunkEvents = new List<IReadOnlyList<ReadOnlyMemory<byte>>>();
        await foreach (var chunk in blob.ReadFromAsync(0))
        {
            bodies.Add(ChunkCodec.Encode(chunk.Events));
            chunkEvents.Add(chunk.Events);
        }
        // The chunk body's own cost (BlobStream.AppendAsync frames the events into one pooled buffer), per event; the
        // first round warms up.
        var encode = TimeSpan.Zero;
        for (var round = 0; round < 3; round++)
        {
            foreach (var chunkBody in chunkEvents)
            {
                var t = Stopwatch.GetTimestamp();
                var pooled = ArrayPool<byte>.Shared.Rent(ChunkCodec.EncodedLength(chunkBody));
                ChunkCodec.Encode(chunkBody, pooled);
                ArrayPool<byte>.Shared.Return(pooled);
                if (round > 0) encode += Stopwatch.GetElapsedTime(t);
            }
        }
        encode /= 2;
        var (rSelf0, rAz0, rAlloc0) = (ProcessCpu.OfThisProcess(), ProcessCpu.Of(azuritePid), GC.GetTotalAllocatedBytes(precise: true));
        clock.Restart();
        for (var i = 0; i < bodies.Count; i++)
            await container.GetBlobClient($"{stream.Stream}/{i:D12}").UploadAsync(new BinaryData(bodies[i]), new BlobUploadOptions());
        var rawTime = clock.Elapsed;
        var breakdown = new MirrorBreakdown(wait, write, rest, mSelf, mGw, mAz, ProcessCpu.OfThisProcess() - rSelf0, ProcessCpu.Of(azuritePid) - rAz0,
            readSelf, readGw, mAlloc, mGen0, mGen2, GC.GetTotalAllocatedBytes(precise: true) - rAlloc0, readAlloc, encode);
        return new Result(events, bodies.Sum(b => (long)b.Length), chunks, mirrorTime, rawTime, readTime, perEventTime, readCpu, perEventCpu, breakdown);
    }

    private static async Task<StreamName> WriteStreamAsync(GatewayClient gateway, int eventBytes, int events, byte[] payload)
    {
        var stream = new StreamName("bench", $"mirror-{eventBytes}-{Guid.NewGuid():N}"[..40]);
        await gateway.EnsureStreamAsync(stream);
        for (var written = 0; written < events; written += 1000)
            await gateway.WriteEventsAsync(stream, Enumerable.Range(0, Math.Min(1000, events - written)).Select(_ => new OutgoingEvent("k", payload)));
        return stream;
    }

    private static async Task<(TimeSpan Wall, TimeSpan Cpu)> MeasureAsync(Func<Task> read, int gatewayPid)
    {
        var cpu = ProcessCpu.Of(gatewayPid) + ProcessCpu.OfThisProcess();
        var clock = Stopwatch.StartNew();
        await read();
        var wall = clock.Elapsed;
        return (wall, ProcessCpu.Of(gatewayPid) + ProcessCpu.OfThisProcess() - cpu);
    }
}
