using Microsoft.Extensions.Logging;

namespace SensorStream.Gateway.Storage;

// Moving the head: TruncateStream and retention by time or size.
public sealed partial class StreamStore
{
    /// <summary>
    /// Moves the head to <paramref name="cut"/> (never backwards; one offset per segment number, as
    /// <c>StreamCutCodec.Decode</c> expands a cut: predecessors of the segments it names at their ends). Offsets must be
    /// event boundaries within the stream.
    /// </summary>
    public void Truncate(long[] cut)
    {
        var segments = Current.Segments;
        var tails = Tails();
        var heads = Heads();
        for (var s = 0; s < cut.Length; s++)
        {
            if (cut[s] > tails[s])
                throw new StoreException(StoreError.InvalidArgument, $"stream cut offset {cut[s]} of segment {s} is beyond the tail ({tails[s]})");
            // Offsets at or before the head change nothing (and their bytes may already be released).
            if (cut[s] > heads[s] && cut[s] < tails[s])
                segments[s].ReadRecord(cut[s], segments[s].ReadHeader(cut[s]).FrameSize); // throws unless an intact event starts there
        }
        MoveHead(cut);
    }

    /// <summary>Applies the stream's retention policy: drops the oldest events past the age or size limit.</summary>
    public void EnforceRetention()
    {
        var config = Config;
        if (config.Retention == RetentionKind.None || config.RetentionParam <= 0) return;
        var (epochs, segments) = Current;
        var tails = segments.Select(f => f.End).ToArray();
        var heads = Heads();
        var moved = false;
        // A segment ages out only once its predecessors are gone: the head stays a position readers can start from,
        // and a key's older events never outlive its newer ones. Segment numbers grow with epochs, so predecessors come first.
        if (config.Retention == RetentionKind.Time)
        {
            var cutoff = _options.Clock() - config.RetentionParam;
            for (var s = 0; s < tails.Length; s++)
                while (heads[s] < tails[s] && epochs.IsReadable(s, heads, tails))
                {
                    var (size, timestamp) = segments[s].ReadHeader(heads[s]);
                    if (timestamp >= cutoff) break;
                    heads[s] += size;
                    moved = true;
                }
        }
        else
        {
            var total = 0L;
            for (var s = 0; s < tails.Length; s++) total += tails[s] - heads[s];
            while (total > config.RetentionParam)
            {
                // Drop the oldest event of the stream (segments age together, by commit time).
                var oldest = -1;
                var oldestTime = long.MaxValue;
                var oldestSize = 0;
                for (var s = 0; s < tails.Length; s++)
                {
                    if (heads[s] >= tails[s] || !epochs.IsReadable(s, heads, tails)) continue;
                    var (size, timestamp) = segments[s].ReadHeader(heads[s]);
                    if (timestamp < oldestTime) (oldest, oldestTime, oldestSize) = (s, timestamp, size);
                }
                if (oldest < 0) break;
                heads[oldest] += oldestSize;
                total -= oldestSize;
                moved = true;
            }
        }
        if (moved) MoveHead(heads);
    }

    private void MoveHead(long[] cut)
    {
        long[] heads;
        lock (_headLock)
        {
            heads = (long[])_heads.Clone();
            var changed = false;
            heads = Extend(heads, cut.Length);
            for (var s = 0; s < cut.Length; s++)
                if (cut[s] > heads[s]) (heads[s], changed) = (cut[s], true);
            if (!changed) return;
            HeadOffsets.Save(Paths.HeadFile, heads);
            _heads = heads;
        }
        _log.LogDebug("{Stream}: head moved to {Head}", this, string.Join(",", heads));
        var segments = Current.Segments;
        for (var s = 0; s < heads.Length && s < segments.Length; s++) segments[s].ReleaseBefore(heads[s]);
    }
}
