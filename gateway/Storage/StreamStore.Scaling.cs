using Microsoft.Extensions.Logging;

namespace SensorStream.Gateway.Storage;

// Scaling: a new epoch of segments over the whole key space; the segments before it are sealed.
public sealed partial class StreamStore
{
    private readonly Lock _configLock = new(); // stream.json is rewritten by retention updates and scales
    private SegmentHandles? _handles;

    /// <summary>
    /// Scales the stream to <paramref name="segments"/> segments (Pravega's scale, over the whole key space): a new
    /// epoch of successors splitting the key space evenly, every current segment sealed. Serialized with the stream's
    /// commits through its pipeline: every commit before it merges into the old epoch, every commit after it —
    /// including of transactions written before it — into the new one, each event by its routing key. Returns false
    /// when the current epoch already has that many segments (nothing changes). Throws INVALID_ARGUMENT for a count
    /// outside 1..<see cref="StreamConfig.SegmentLimit"/>, FAILED_PRECONDITION when the stream would exceed
    /// <see cref="StreamConfig.TotalSegmentLimit"/> segments over all epochs or an open transaction was journaled by
    /// an older gateway (commit or abort it first).
    /// </summary>
    public async Task<bool> ScaleAsync(int segments, string reason)
    {
        ThrowIfClosed();
        if (segments is < 1 or > StreamConfig.SegmentLimit)
            throw new StoreException(StoreError.InvalidArgument, $"segment count {segments} is out of range (1..{StreamConfig.SegmentLimit})");
        var work = new PipelineWork(PipelineWorkKind.Scale, null) { ScaleTo = segments, ScaleReason = reason };
        if (!_rounds.TrySubmit(work)) throw new StoreException(StoreError.Unavailable, $"stream {this} is shutting down");
        await work.Done.Task.ConfigureAwait(false);
        return work.Scaled;
    }

    /// <summary>Runs in the pipeline, after the round's commits: creates the new epoch's segments, then commits the scale by saving stream.json.</summary>
    private void RunScale(PipelineWork work)
    {
        var shape = Current;
        var epochs = shape.Epochs;
        if (epochs.Counts[^1] == work.ScaleTo)
        {
            work.Done.TrySetResult();
            return;
        }
        if (epochs.Total + work.ScaleTo > StreamConfig.TotalSegmentLimit)
        {
            work.Fail(new StoreException(StoreError.FailedPrecondition,
                $"stream {this} has {epochs.Total} segments over {epochs.Counts.Count} epoch(s); {work.ScaleTo} more would pass the limit of {StreamConfig.TotalSegmentLimit}"));
            return;
        }
        if (_open.Values.FirstOrDefault(t => t.HasFixedSegments) is { } legacy)
        {
            work.Fail(new StoreException(StoreError.FailedPrecondition,
                $"transaction {legacy.Id} on {this} was journaled by an older gateway (its events name segments of epoch 0): commit or abort it before scaling"));
            return;
        }
        var scaled = epochs.Scaled(work.ScaleTo);
        // New files first (an interrupted scale leaves empty files stream.json does not list; the next scale recreates
        // them), then stream.json: the scale's commit point. A failure from here on faults the stream (RunRound).
        for (var s = epochs.Total; s < scaled.Total; s++) File.Create(Paths.SegmentFile(s)).Dispose();
        DurableFiles.SyncDirectory(Paths.SegmentsDirectory);
        lock (_configLock)
        {
            var config = Config with { Segments = scaled.Total, Epochs = [.. scaled.Counts] };
            config.Save(Paths.ConfigFile);
            Volatile.Write(ref _config, config);
        }
        var files = new SegmentFile[scaled.Total];
        shape.Segments.CopyTo(files, 0);
        for (var s = epochs.Total; s < scaled.Total; s++) files[s] = SegmentFile.Open(s, Paths.SegmentFile(s), mustExist: true, _handles);
        lock (_checkpointStateLock) _writtenEnds = Extend(_writtenEnds, scaled.Total);
        lock (_headLock) _heads = Extend(_heads, scaled.Total);
        Volatile.Write(ref _shape, new Shape(scaled, files));
        work.Scaled = true;
        Appended.Pulse(); // readers at the end of a sealed segment move on to its successors
        _log.LogInformation("{Stream} scaled from {From} to {To} segment(s): epoch {Epoch} is segments {First}..{Last}, the {Sealed} before are sealed ({Reason})",
            this, epochs.Counts[^1], work.ScaleTo, scaled.Current, epochs.Total, scaled.Total - 1, epochs.Counts[^1], work.ScaleReason);
        work.Done.TrySetResult();
    }

    /// <summary><paramref name="offsets"/> followed by zeros up to <paramref name="length"/> (segments created since they were recorded start at 0).</summary>
    internal static long[] Extend(long[] offsets, int length)
    {
        if (offsets.Length >= length) return offsets;
        var extended = new long[length];
        offsets.CopyTo(extended, 0);
        return extended;
    }
}
