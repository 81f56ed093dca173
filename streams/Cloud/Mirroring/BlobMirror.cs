using System.Collections.Concurrent;
using SensorStream.Streams.BlobStreams;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Streams.Protocol;

namespace SensorStream.Streams.Mirroring;

/// <summary>
/// Gateway stream → blob stream, exactly once. One step: find the last chunk, take the next bounded batch of source
/// events from the cut stored in it, and create the next chunk. The create-only chunk write is the only commit: a
/// crash before it leaves nothing, a crash after it leaves a complete chunk whose cut is where the next step starts.
/// Throughput (#16): a mirror kept between steps (the hosts keep one) reads each stream with one ReadEventBatches call
/// per range (a response per chunk; ReadEvents from a gateway without it) and keeps the next batch read ahead while
/// it uploads the current one (<see cref="SourcePrefetch"/>), and remembers the chunk it wrote last instead of looking
/// it up again. Neither is trusted for correctness: a read-ahead is used only when it starts exactly at the last
/// chunk's cut, and a remembered chunk that another writer has moved
/// past makes the create-only write fail (a lost race), after which the next step looks everything up afresh — as it
/// does after any error. The position hint is moved every <see cref="HintEvery"/> chunks and whenever a step ends at
/// the tail (it may lag: <see cref="BlobStream.FindLastAsync"/> probes forward from it).
/// The source's event-time watermark (read in the same GetStreamInfo as the tail its read ends at, so its cut is
/// before that tail) is carried to the blob stream once a chunk ends at that tail: every event below its time is then
/// in the chunks so far.
/// </summary>
public sealed class BlobMirror(GatewayClient source, BlobStreamStore target, MirrorOptions options) : IAsyncDisposable
{
    public static class Points
    {
        public const string AfterFindLast = "mirror.after-find-last";
        public const string AfterRead = "mirror.after-read";
        public const string AfterCommit = "mirror.after-commit";
    }

    /// <summary>The position hint is written at least every this many chunks.</summary>
    public const int HintEvery = 16;

    private readonly ConcurrentDictionary<StreamName, MirrorState> _streams = new();

    /// <summary>What the mirror keeps between steps of one stream; steps of one stream run one at a time.</summary>
    private sealed class MirrorState
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        /// <summary>The chunk this mirror wrote last (null with <see cref="Known"/>: the stream is empty).</summary>
        public ChunkInfo? Last { get; set; }

        public bool Known { get; set; }

        public SourcePrefetch? Prefetch { get; set; }

        public async Task ForgetAsync()
        {
            Known = false;
            Last = null;
            await DropPrefetchAsync().ConfigureAwait(false);
        }

        public async Task DropPrefetchAsync()
        {
            if (Prefetch is { } p) await p.DisposeAsync().ConfigureAwait(false);
            Prefetch = null;
        }
    }

    public async Task<StepResult> StepAsync(StreamName stream, CancellationToken ct = default)
    {
        var state = _streams.GetOrAdd(stream, _ => new MirrorState());
        await state.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await StepAsync(stream, state, ct).ConfigureAwait(false);
        }
        catch
        {
            await state.ForgetAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            state.Gate.Release();
        }
    }

    private async Task<StepResult> StepAsync(StreamName stream, MirrorState state, CancellationToken ct)
    {
        var blob = await target.OpenAsync(stream, ct).ConfigureAwait(false);
        var last = state.Known ? state.Last : await blob.FindLastAsync(ct).ConfigureAwait(false);
        options.Probe?.Invoke(Points.AfterFindLast);
        var info = await source.GetStreamInfoAsync(stream, ct).ConfigureAwait(false);
        if (StreamCutCodec.SamePosition(last?.EndCut, info.Tail))
        {
            (state.Last, state.Known) = (last, true);
            await CarryWatermarkAsync(blob, info.Watermark, last?.Seq ?? -1, ct).ConfigureAwait(false);
            return StepResult.Idle("caught up");
        }
        var (batch, readTo) = await NextBatchAsync(state, stream, last?.EndCut, info, ct).ConfigureAwait(false);
        if (batch is null)
        {
            await state.DropPrefetchAsync().ConfigureAwait(false);
            return StepResult.Idle("no events before the tail");
        }
        options.Probe?.Invoke(Points.AfterRead);
        ChunkInfo chunk;
        try
        {
            chunk = await blob.AppendAsync(last, batch.Events, batch.EndCut, options.UploadTransfer, ct).ConfigureAwait(false);
        }
        catch (ChunkConflictException e)
        {
            await state.ForgetAsync().ConfigureAwait(false);
            return StepResult.Lost(e.Message);
        }
        finally
        {
            batch.Dispose(); // the chunk body is its own copy: the read buffers go back to the pool
        }
        (state.Last, state.Known) = (chunk, true);
        options.Probe?.Invoke(Points.AfterCommit);
        // The batch ends at the tail its read went to when it did not stop at a limit.
        if (!batch.HitLimit || (chunk.Seq + 1) % HintEvery == 0) await blob.AdvanceHintAsync(chunk.Seq, ct).ConfigureAwait(false);
        if (!batch.HitLimit) await CarryWatermarkAsync(blob, readTo.Watermark, chunk.Seq, ct).ConfigureAwait(false);
        var more = batch.HitLimit || !StreamCutCodec.SamePosition(chunk.EndCut, info.Tail);
        return new StepResult(StepOutcome.Progress, batch.Events.Count, batch.Bytes, more, $"chunk {chunk.Seq}");
    }

    /// <summary>
    /// The batch that starts at <paramref name="from"/>: from the read-ahead when it starts there, else from a new
    /// read up to <paramref name="info"/>'s tail. Also returns the stream info that read goes to.
    /// </summary>
    private async Task<(SourceBatch? Batch, StreamBounds ReadTo)> NextBatchAsync(MirrorState state, StreamName stream, StreamCut? from,
        StreamBounds info, CancellationToken ct)
    {
        if (state.Prefetch is { } ahead && ahead.StartsAt(from))
        {
            try
            {
                if (await ahead.TakeAsync(ct).ConfigureAwait(false) is { } batch) return (batch, ahead.Bounds);
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                // A read-ahead that failed (maybe long ago): read again below; a fresh read's error is the step's.
            }
        }
        await state.DropPrefetchAsync().ConfigureAwait(false);
        var fresh = state.Prefetch = new SourcePrefetch(source, stream, from, info, options);
        return (await fresh.TakeAsync(ct).ConfigureAwait(false), info);
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

    /// <summary>Stops every read-ahead (their gateway calls are cancelled).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var state in _streams.Values) await state.DropPrefetchAsync().ConfigureAwait(false);
    }
}
