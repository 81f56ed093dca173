using Microsoft.Extensions.Logging;

namespace SensorStream.Gateway.Storage;

// Scaling: a new epoch of segments over the whole key space; the segments before it are sealed.
public sealed partial class StreamStore
{
    private readonly Lock _configLock = new(); // stream.json is rewritten by retention updates and scales
    private readonly AutoScaler _autoScaler;
    private SegmentHandles? _handles;
    private string _lastDecision = "";
    private string _lastScale = "";

    /// <summary>
    /// Sets how the stream scales from now on (null: only by UpdateStream), durably. A rate rule with more minimum
    /// segments than the current epoch has scales up to the minimum at once.
    /// </summary>
    public async Task UpdateScalingAsync(ScalingRule? rule)
    {
        if (rule?.Problem() is { } problem) throw new StoreException(StoreError.InvalidArgument, problem);
        lock (_configLock)
        {
            var updated = Config with { Scaling = rule is { Kind: not ScalingKind.Fixed } ? rule : null };
            if (updated.Scaling != Config.Scaling)
            {
                updated.Save(Paths.ConfigFile);
                Volatile.Write(ref _config, updated);
                _log.LogInformation("{Stream}: scaling policy {Rule}", this, updated.Scaling?.ToString() ?? "fixed");
                if (updated.Scaling is null) Volatile.Write(ref _lastDecision, "");
            }
        }
        if (rule is { Kind: not ScalingKind.Fixed } && Epochs.Counts[^1] < rule.MinSegments)
            await ScaleAsync(rule.MinSegments, $"min_num_segments {rule.MinSegments} of the scaling policy").ConfigureAwait(false);
    }

    /// <summary>
    /// Applies the stream's rate rule (called by the upkeep loop): scales when <see cref="AutoScaler"/> decides so. A
    /// scale it cannot make (the segment limit) is logged and tried again later.
    /// </summary>
    public async Task AutoScaleIfDueAsync()
    {
        if (Config.Scaling is not { } rule || _closed.IsCancellationRequested) return;
        var now = _options.Clock();
        var (target, why) = _autoScaler.Decide(now, Epochs.Counts[^1], rule);
        Volatile.Write(ref _lastDecision, why);
        if (target is not { } segments) return;
        try
        {
            if (await ScaleAsync(segments, $"auto-scaling: {why}").ConfigureAwait(false))
                Volatile.Write(ref _lastScale, $"{DateTimeOffset.FromUnixTimeMilliseconds(now):O} to {segments}: {why}");
        }
        catch (StoreException e) when (e.Kind == StoreError.FailedPrecondition)
        {
            _log.LogWarning("{Stream}: auto-scaling to {Segments} segment(s) not possible: {Reason}", this, segments, e.Message);
        }
        _autoScaler.Scaled(now); // a refused scale also waits a cooldown before trying again
    }

    /// <summary>What <c>GetStreamInfo</c> and the CLI show about scaling.</summary>
    public ScalingStatus Scaling()
    {
        var (events, bytes) = _autoScaler.Rate(_options.Clock());
        var epochs = Epochs;
        return new ScalingStatus(Config.Scaling, epochs.Current, epochs.Counts[^1], epochs.Total, events, bytes,
            Volatile.Read(ref _lastDecision), Volatile.Read(ref _lastScale), Tails().Sum(), Heads().Sum());
    }

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
        CheckSegmentCount(segments);
        var work = new PipelineWork(PipelineWorkKind.Scale, null) { ScaleTo = segments, ScaleReason = reason };
        if (!_rounds.TrySubmit(work)) throw new StoreException(StoreError.Unavailable, $"stream {this} is shutting down");
        await work.Done.Task.ConfigureAwait(false);
        return work.Scaled;
    }

    /// <summary>INVALID_ARGUMENT unless 1 ≤ <paramref name="segments"/> ≤ <see cref="StreamConfig.SegmentLimit"/> (one epoch's segments).</summary>
    public static void CheckSegmentCount(int segments)
    {
        if (segments is < 1 or > StreamConfig.SegmentLimit)
            throw new StoreException(StoreError.InvalidArgument, $"segment count {segments} is out of range (1..{StreamConfig.SegmentLimit})");
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
        _autoScaler.Scaled(_options.Clock());
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
