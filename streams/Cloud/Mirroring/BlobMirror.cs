using SensorStream.Streams.BlobStreams;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;

namespace SensorStream.Streams.Mirroring;

/// <summary>
/// Gateway stream → blob stream, exactly once. One step: find the last chunk, read the source from the cut stored in
/// it up to the tail (bounded), and create the next chunk. The create-only chunk write is the only commit: a crash
/// before it leaves nothing, a crash after it leaves a complete chunk whose cut is where the next step starts.
/// The source's event-time watermark (read in the same GetStreamInfo as the tail, so its cut is before that tail) is
/// carried to the blob stream once a chunk ends at that tail: every event below its time is then in the chunks so far.
/// </summary>
public sealed class BlobMirror(GatewayClient source, BlobStreamStore target, MirrorOptions options)
{
    public static class Points
    {
        public const string AfterFindLast = "mirror.after-find-last";
        public const string AfterRead = "mirror.after-read";
        public const string AfterCommit = "mirror.after-commit";
    }

    public async Task<StepResult> StepAsync(StreamName stream, CancellationToken ct = default)
    {
        var blob = await target.OpenAsync(stream, ct).ConfigureAwait(false);
        var last = await blob.FindLastAsync(ct).ConfigureAwait(false);
        options.Probe?.Invoke(Points.AfterFindLast);
        var info = await source.GetStreamInfoAsync(stream, ct).ConfigureAwait(false);
        var tail = info.Tail;
        if (StreamCutCodec.SamePosition(last?.EndCut, tail))
        {
            await CarryWatermarkAsync(blob, info.Watermark, last?.Seq ?? -1, ct).ConfigureAwait(false);
            return StepResult.Idle("caught up");
        }
        var batch = await SourceBatch.ReadAsync(source, stream, last?.EndCut, tail, options, ct).ConfigureAwait(false);
        if (batch is null) return StepResult.Idle("no events before the tail");
        options.Probe?.Invoke(Points.AfterRead);
        ChunkInfo chunk;
        try
        {
            chunk = await blob.AppendAsync(last, batch.Events, batch.EndCut, ct).ConfigureAwait(false);
        }
        catch (ChunkConflictException e)
        {
            return StepResult.Lost(e.Message);
        }
        options.Probe?.Invoke(Points.AfterCommit);
        await blob.AdvanceHintAsync(chunk.Seq, ct).ConfigureAwait(false);
        if (!batch.HitLimit) await CarryWatermarkAsync(blob, info.Watermark, chunk.Seq, ct).ConfigureAwait(false);
        return new StepResult(StepOutcome.Progress, batch.Events.Count, batch.Bytes, batch.HitLimit, $"chunk {chunk.Seq}");
    }

    /// <summary>Records <paramref name="watermark"/> as reached by chunk <paramref name="chunk"/>, which ends at the tail read with it.</summary>
    private static Task CarryWatermarkAsync(BlobStream blob, EventTimeWatermark? watermark, long chunk, CancellationToken ct) =>
        watermark is null
            ? Task.CompletedTask
            : blob.AdvanceWatermarkAsync(new CloudWatermark
            {
                LowerTimeBound = watermark.LowerTimeBound,
                UpperTimeBound = watermark.UpperTimeBound,
                SourceCut = StreamCutCodec.Encode(watermark.Cut),
                Chunk = chunk,
            }, ct);
}
