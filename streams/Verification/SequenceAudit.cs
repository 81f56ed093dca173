namespace SensorStream.Streams.Verification;

/// <summary>
/// Proves "no gap, no duplicate" per sensor: feed it sample ranges (from events or from exported rows) in any
/// order; it keeps disjoint intervals per sensor and counts every sample seen more than once and every hole.
/// </summary>
public sealed class SequenceAudit
{
    private readonly Dictionary<string, SortedList<long, long>> _intervals = new(StringComparer.Ordinal);

    public long Samples { get; private set; }

    public long Duplicates { get; private set; }

    /// <summary>Adds samples <paramref name="first"/> .. <paramref name="first"/> + <paramref name="count"/> - 1.</summary>
    public void Add(string sensorId, long first, long count)
    {
        if (count <= 0) return;
        Samples += count;
        if (!_intervals.TryGetValue(sensorId, out var list)) _intervals[sensorId] = list = new SortedList<long, long>();
        var start = first;
        var end = first + count; // exclusive
        // Merge with every interval that touches [start, end), counting overlap as duplicates.
        var i = LowerNeighbour(list, start);
        while (i < list.Count && list.Keys[i] <= end)
        {
            var s = list.Keys[i];
            var e = list.Values[i];
            if (e < start) { i++; continue; }
            var overlap = Math.Min(e, end) - Math.Max(s, start);
            if (overlap > 0) Duplicates += overlap;
            start = Math.Min(start, s);
            end = Math.Max(end, e);
            list.RemoveAt(i);
        }
        list[start] = end;
    }

    public void Add(string sensorId, long sequence) => Add(sensorId, sequence, 1);

    private static int LowerNeighbour(SortedList<long, long> list, long start)
    {
        int lo = 0, hi = list.Count - 1, found = list.Count;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (list.Keys[mid] >= start) { found = mid; hi = mid - 1; }
            else lo = mid + 1;
        }
        return found > 0 ? found - 1 : found;
    }

    /// <summary>Per sensor: first and last sequence seen, and the number of missing samples between them.</summary>
    public IReadOnlyList<SensorAudit> Sensors =>
        _intervals.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p =>
        {
            var list = p.Value;
            long covered = 0;
            for (var i = 0; i < list.Count; i++) covered += list.Values[i] - list.Keys[i];
            var first = list.Keys[0];
            var last = list.Values[^1] - 1;
            return new SensorAudit(p.Key, first, last, last - first + 1 - covered, list.Count - 1);
        }).ToList();

    /// <summary>Samples missing between each sensor's first and last sequence, over all sensors (not the number of gaps: see <see cref="SensorAudit.Holes"/>).</summary>
    public long MissingSamples => Sensors.Sum(s => s.MissingSamples);

    public bool Clean => Duplicates == 0 && MissingSamples == 0;

    /// <summary>Whether <paramref name="other"/> holds exactly the same samples as this audit.</summary>
    public bool SameSamplesAs(SequenceAudit other) =>
        _intervals.Count == other._intervals.Count &&
        _intervals.All(p => other._intervals.TryGetValue(p.Key, out var o) && o.SequenceEqual(p.Value));
}

/// <summary>One sensor's result: <see cref="Holes"/> is the number of separate gaps.</summary>
public sealed record SensorAudit(string SensorId, long FirstSequence, long LastSequence, long MissingSamples, int Holes)
{
    public long Span => LastSequence - FirstSequence + 1;
}
