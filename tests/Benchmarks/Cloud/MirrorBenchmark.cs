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
        TimeSpan SourceReadCpu, TimeSpan PerEventReadCpu)
    {
        /// <summary>Reading the source alone, as a share of the mirror's time: the part the blob write cannot speed up.</summary>
        public double SourceShare => SourceRead / Mirror;

        public double MirrorMBps => Bytes / 1e6 / Mirror.TotalSeconds;

        public double RawMBps => Bytes / 1e6 / Raw.TotalSeconds;

        public double Ratio => Raw / Mirror;

        /// <summary>Against reading the source and uploading the bytes one after the other: the mirror's own overhead.</summary>
        public double RatioToReadPlusUpload => (SourceRead + Raw) / Mirror;
    }

    public static async Task<Result> RunAsync(GatewayClient gateway, int gatewayPid, BlobServiceClient blobs, int events, int eventBytes, MirrorOptions options)
    {
        var stream = new StreamName("bench", $"mirror-{eventBytes}-{Guid.NewGuid():N}"[..40]);
        await gateway.EnsureStreamAsync(stream);
        var payload = new byte[eventBytes];
        Random.Shared.NextBytes(payload);
        for (var written = 0; written < events; written += 1000)
            await gateway.WriteEventsAsync(stream, Enumerable.Range(0, Math.Min(1000, events - written)).Select(_ => new OutgoingEvent("k", payload)));

        // Both reads once to warm up (JIT, the gateway's file cache), then each measured: wall and CPU time.
        var tail = (await gateway.GetStreamInfoAsync(stream)).Tail;
        Func<Task> perEvent = async () => { await foreach (var _ in gateway.ReadRangeAsync(stream, null, tail)) { } };
        Func<Task> batched = async () => { await foreach (var read in SourceBatch.Read(gateway, stream, null, tail, options, CancellationToken.None)) read.Dispose(); };
        await perEvent();
        await batched();
        var (perEventTime, perEventCpu) = await MeasureAsync(perEvent, gatewayPid);
        var (readTime, readCpu) = await MeasureAsync(batched, gatewayPid);

        var store = new BlobStreamStore(blobs);
        await store.OpenAsync(stream); // makes its container, as the raw upload's is made before its clock starts
        // Warms the upload path (SDK code, connections, Azurite) as the reads were warmed: the mirror runs first.
        var container = blobs.GetBlobContainerClient("raw-upload");
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient($"{stream.Stream}/warm-up").UploadAsync(new BinaryData(new byte[options.MaxBytes]), new BlobUploadOptions());
        await using var mirror = new BlobMirror(gateway, store, options);
        var clock = Stopwatch.StartNew();
        var chunks = 0;
        while ((await mirror.StepAsync(stream)).Outcome == StepOutcome.Progress) chunks++;
        var mirrorTime = clock.Elapsed;

        // Raw: the same chunk bodies, uploaded with the plain SDK call (no conditions, no metadata, no source read).
        var bodies = new List<byte[]>();
        var blob = await store.OpenAsync(stream);
        await foreach (var chunk in blob.ReadFromAsync(0)) bodies.Add(ChunkCodec.Encode(chunk.Events));
        clock.Restart();
        for (var i = 0; i < bodies.Count; i++)
            await container.GetBlobClient($"{stream.Stream}/{i:D12}").UploadAsync(new BinaryData(bodies[i]), new BlobUploadOptions());
        var rawTime = clock.Elapsed;
        return new Result(events, bodies.Sum(b => (long)b.Length), chunks, mirrorTime, rawTime, readTime, perEventTime, readCpu, perEventCpu);
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
