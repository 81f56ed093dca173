namespace SensorStream.Gateway.Storage;

/// <summary>
/// The ids of every transaction ever committed on a stream, in memory that stays flat however many commit: ids made by
/// <see cref="SequentialTransactionIds"/> (a random 64-bit prefix per stream opening + a counter) are kept as ranges
/// of counters per prefix, so a run of commits is one range (16 bytes) whatever its length; a range splits only where
/// an id of the run never committed (aborted, expired, or still open). Any other id (random GUIDs of older data
/// directories) is kept one by one. Thread-safe. The durable copy is <c>committed.log</c> (<see cref="CommittedIds"/>).
/// </summary>
public sealed class CommittedSet
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ulong, List<(ulong First, ulong Last)>> _runs = [];
    private readonly HashSet<Guid> _singles = [];
    private long _count;

    /// <summary>How many distinct ids were added.</summary>
    public long Count { get { lock (_gate) return _count; } }

    /// <summary>Ranges held for sequential ids (the memory they take is about 16 bytes each).</summary>
    public int Ranges { get { lock (_gate) return _runs.Values.Sum(r => r.Count); } }

    /// <summary>Ids held one by one (not made by <see cref="SequentialTransactionIds"/>).</summary>
    public int Singles { get { lock (_gate) return _singles.Count; } }

    /// <summary>Adds <paramref name="id"/>; false when it was already there.</summary>
    public bool Add(Guid id)
    {
        lock (_gate)
        {
            bool added;
            if (SequentialTransactionIds.TrySplit(id, out var prefix, out var counter))
            {
                if (!_runs.TryGetValue(prefix, out var ranges)) _runs[prefix] = ranges = [];
                added = Insert(ranges, counter);
            }
            else
            {
                added = _singles.Add(id);
            }
            if (added) _count++;
            return added;
        }
    }

    /// <summary>True when <paramref name="id"/> was added.</summary>
    public bool Contains(Guid id)
    {
        lock (_gate)
        {
            if (!SequentialTransactionIds.TrySplit(id, out var prefix, out var counter)) return _singles.Contains(id);
            return _runs.TryGetValue(prefix, out var ranges) && Find(ranges, counter) is var i && i >= 0 && ranges[i].Last >= counter;
        }
    }

    /// <summary>True when <paramref name="id"/> (32 hex digits, the ids clients see) was added; false for any other text.</summary>
    public bool Contains(string id) => Guid.TryParseExact(id, "N", out var guid) && Contains(guid);

    /// <summary>Index of the last range starting at or before <paramref name="counter"/>, or -1.</summary>
    private static int Find(List<(ulong First, ulong Last)> ranges, ulong counter)
    {
        int lo = 0, hi = ranges.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (ranges[mid].First <= counter) lo = mid + 1;
            else hi = mid - 1;
        }
        return hi;
    }

    private static bool Insert(List<(ulong First, ulong Last)> ranges, ulong counter)
    {
        var i = Find(ranges, counter);
        if (i >= 0 && ranges[i].Last >= counter) return false;
        var joinsLeft = i >= 0 && ranges[i].Last + 1 == counter;
        var joinsRight = i + 1 < ranges.Count && ranges[i + 1].First == counter + 1;
        if (joinsLeft && joinsRight)
        {
            ranges[i] = (ranges[i].First, ranges[i + 1].Last);
            ranges.RemoveAt(i + 1);
        }
        else if (joinsLeft) ranges[i] = (ranges[i].First, counter);
        else if (joinsRight) ranges[i + 1] = (counter, ranges[i + 1].Last);
        else ranges.Insert(i + 1, (counter, counter));
        return true;
    }
}
