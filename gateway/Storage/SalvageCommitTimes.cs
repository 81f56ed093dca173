using System.Buffers.Binary;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// Salvage's answer to segment damage that no surviving journal commit record explains (the transaction was
/// checkpointed and its journal files are gone, so only <c>committed.log</c> knows its id and commit time): segment
/// records carry <c>[commit time][event]</c> and no transaction id, so the damaged bytes are tied to transactions by
/// commit time. Facts this rests on: every event of one commit round carries the round's commit time, and so does its
/// ids' <c>committed.log</c> entry (or its journal commit record); each segment holds its events in commit order; and a
/// stream's commit times never decrease (the pipeline takes the later of the clock and the previous commit time, and
/// recovery goes on from the latest one recorded). So the events in a damaged range were committed at or after the commit
/// time of the last intact event before it in that segment and at or before that of the first intact event after it
/// (inclusive: the range may hold more events of either neighbour's round). With no intact event after the range, the
/// upper bound is the latest commit time in <c>committed.log</c> when the range lies below the checkpoint's end of the
/// segment (what the checkpoint covered was committed before it, so its ids are there), else open; with none before it,
/// the lower bound is open. Several rounds (and so transactions) may share a commit time: salvage drops every one with a
/// suspect time — conservative, but the report and the data agree exactly, since a transaction's events and its id carry
/// the same time. A segment whose intact events go back in time (written by an older version while the clock stepped
/// back) bounds nothing: every commit time is suspect then.
/// </summary>
internal sealed class SalvageCommitTimes
{
    private readonly List<(long From, long To)> _suspect = [];

    /// <summary>The suspect intervals (inclusive, Unix ms; <see cref="long.MinValue"/> / <see cref="long.MaxValue"/> when open).</summary>
    public IReadOnlyList<(long From, long To)> Suspect => _suspect;

    /// <summary>Whether any interval was added.</summary>
    public bool Any => _suspect.Count > 0;

    /// <summary>Whether events committed at <paramref name="timestampMs"/> may lie in damaged bytes.</summary>
    public bool Contains(long timestampMs) => _suspect.Exists(r => r.From <= timestampMs && timestampMs <= r.To);

    /// <summary>Adds the commit times the damaged range <paramref name="start"/>..<paramref name="end"/> of a segment may hold and returns them (from, to, why, for the report).</summary>
    public (long From, long To, string Why) AddRange(SegmentEdges edges, long start, long end, long checkpointedEnd, long? latestCheckpointedMs)
    {
        (long, long, string) range;
        if (edges.OutOfOrder)
            range = (long.MinValue, long.MaxValue, "this segment's intact events are not in commit time order (written while the clock stepped back, before commit times were kept from decreasing), so no time is bounded");
        else
        {
            var before = edges.Before.GetValueOrDefault(start);
            long to;
            string upper;
            if (edges.After.TryGetValue(end, out var after)) (to, upper) = (after, "the first intact event after it");
            else if (end <= checkpointedEnd && latestCheckpointedMs is { } latest && latest >= (before ?? long.MinValue))
                (to, upper) = (latest, "no intact event after it: the latest commit committed.log records, as the checkpoint covered the range");
            else (to, upper) = (long.MaxValue, "no intact event after it and no checkpoint bound");
            range = (before ?? long.MinValue, to, $"{(before is null ? "no intact event before it" : "the last intact event before it")}; {upper}");
        }
        _suspect.Add((range.Item1, range.Item2));
        return range;
    }

    /// <summary>Text of a bound for the report.</summary>
    public static string Text(long ms) => ms switch
    {
        long.MinValue => "the beginning",
        long.MaxValue => "now",
        _ => $"{ms} ({DateTimeOffset.FromUnixTimeMilliseconds(ms):yyyy-MM-ddTHH:mm:ss.fffZ})",
    };

    /// <summary>
    /// One segment's commit times at the edges of its damaged ranges, collected while salvage scans it from the head
    /// (pass <see cref="Visit"/> as the frame visitor of every scan, in file order, then call <see cref="Finish"/>).
    /// </summary>
    internal sealed class SegmentEdges(long head)
    {
        private long _lastEnd = head;
        private long? _lastTime;

        /// <summary>Start of each gap (damaged range) → commit time of the last intact event before it (null: none since the head).</summary>
        public Dictionary<long, long?> Before { get; } = [];

        /// <summary>End of each gap (the next intact frame's offset) → that event's commit time.</summary>
        public Dictionary<long, long> After { get; } = [];

        /// <summary>True when an intact event has an earlier commit time than the one before it.</summary>
        public bool OutOfOrder { get; private set; }

        /// <summary>Visits one intact frame.</summary>
        public void Visit(long offset, int frameSize, ReadOnlySpan<byte> payload)
        {
            if (payload.Length < SegmentRecord.TimestampSize)
            {
                _lastEnd = offset + frameSize; // not a record: it bounds nothing
                return;
            }
            var time = BinaryPrimitives.ReadInt64LittleEndian(payload);
            if (offset != _lastEnd)
            {
                Before[_lastEnd] = _lastTime;
                After[offset] = time;
            }
            if (_lastTime is { } previous && time < previous) OutOfOrder = true;
            _lastEnd = offset + frameSize;
            _lastTime = time;
        }

        /// <summary>After the last frame: a range up to the end of the file has the last intact event before it.</summary>
        public void Finish() => Before.TryAdd(_lastEnd, _lastTime);
    }
}
