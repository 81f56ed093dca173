using SensorStream.Gateway.Transactions;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// A stream's segments across scaling epochs (Pravega's model: a scale seals the segments of the current epoch and
/// creates successors covering the same key space in a new epoch). Immutable: a scale makes a new one.
/// <para>
/// Segment numbers run on across epochs (epoch 0 has 0..n0-1, epoch 1 the next n1, …), so a number names one segment of
/// one epoch and its Pravega id is <c>epoch &lt;&lt; 32 | number</c>. Every scale replaces all segments. Routing of a
/// key's 32-bit hash (<see cref="SegmentRouter.KeyHash"/>): epoch 0 takes it modulo its count (the layout streams had
/// before they could scale, kept so existing streams keep each key's segment); every later epoch splits the hash space
/// into equal contiguous ranges, Pravega's key ranges <c>[i/n, (i+1)/n)</c>. A segment's predecessors are the segments
/// of the epoch before whose keys may route to it (for a modulo epoch with more than one segment: all of them).
/// </para>
/// <para>
/// Positions across epochs are arrays with one offset per segment number. A segment is <b>readable</b> at a position
/// when all its predecessors are complete, and <b>complete</b> when it is sealed, readable and read to its end (Pravega:
/// a successor is read only after all its predecessors are fully read). So a sealed segment with nothing in it (an epoch
/// no event was written in) is complete only once its own predecessors are: readable means every transitive
/// predecessor (ancestor) is read to its end. Reading a successor only after every ancestor keeps each routing key's
/// order across scaling, and a cut, truncation or retention never passes an unread epoch.
/// </para>
/// </summary>
public sealed class StreamEpochs
{
    private readonly int[] _first;        // first segment number of each epoch
    private readonly int[] _epochOf;      // epoch of each segment number
    // A segment's predecessors are a contiguous run of segment numbers of the epoch before (key ranges overlap in order;
    // a modulo epoch precedes each segment after it in whole), and so are its successors in the epoch after; both are
    // kept as [low, high] (empty: low > high), so memory is linear in the segments. The predecessors of a run are again a
    // run, so the transitive predecessors of a segment are one run per earlier epoch and walks over them store nothing.
    private readonly int[] _predLow, _predHigh, _succLow, _succHigh;

    /// <summary>Layout of epochs with <paramref name="counts"/> segments each (epoch 0 first).</summary>
    public StreamEpochs(IReadOnlyList<int> counts)
    {
        if (counts.Count == 0 || counts.Any(c => c < 1)) throw new ArgumentException("every epoch has at least one segment", nameof(counts));
        Counts = [.. counts];
        _first = new int[counts.Count];
        for (var e = 1; e < counts.Count; e++) _first[e] = _first[e - 1] + counts[e - 1];
        Total = _first[^1] + counts[^1];
        _epochOf = new int[Total];
        for (var e = 0; e < counts.Count; e++)
            for (var i = 0; i < counts[e]; i++) _epochOf[_first[e] + i] = e;
        _predLow = new int[Total];
        _predHigh = new int[Total];
        for (var s = 0; s < Total; s++)
        {
            var e = _epochOf[s];
            if (e == 0)
            {
                (_predLow[s], _predHigh[s]) = (0, -1);
                continue;
            }
            int na = counts[e - 1], nb = counts[e], i = s - _first[e];
            // Key ranges [p/na, (p+1)/na) and [i/nb, (i+1)/nb) overlap for p from ⌊i·na/nb⌋ to ⌈(i+1)·na/nb⌉ - 1.
            var (low, high) = e - 1 == 0 && na > 1
                ? (0, na - 1) // a modulo epoch spreads every segment over all keys
                : ((int)((long)i * na / nb), (int)(((long)(i + 1) * na + nb - 1) / nb) - 1);
            (_predLow[s], _predHigh[s]) = (_first[e - 1] + low, _first[e - 1] + high);
        }
        _succLow = new int[Total];
        _succHigh = new int[Total];
        Array.Fill(_succHigh, -1);
        for (var e = 1; e < counts.Count; e++)
        {
            // Both ends of the predecessor runs rise with the segment number, so each segment's successors are found
            // with two pointers over the next epoch.
            int end = _first[e] + counts[e], low = _first[e], high = _first[e] - 1;
            for (var p = _first[e - 1]; p < _first[e]; p++)
            {
                while (low < end && _predHigh[low] < p) low++;
                while (high + 1 < end && _predLow[high + 1] <= p) high++;
                (_succLow[p], _succHigh[p]) = (low, high);
            }
        }
    }

    /// <summary>Segments per epoch.</summary>
    public IReadOnlyList<int> Counts { get; }

    /// <summary>Segments of all epochs (the number of segment files).</summary>
    public int Total { get; }

    /// <summary>The newest epoch: its segments take the writes.</summary>
    public int Current => Counts.Count - 1;

    /// <summary>First segment number of <paramref name="epoch"/>.</summary>
    public int FirstOf(int epoch) => _first[epoch];

    public int EpochOf(int segment) => _epochOf[segment];

    /// <summary>True for a segment of an epoch before the current one: it never grows again.</summary>
    public bool IsSealed(int segment) => _epochOf[segment] < Current;

    /// <summary>The segments of the epoch before whose keys may route to <paramref name="segment"/>, ascending (a new list each call).</summary>
    public IReadOnlyList<int> Predecessors(int segment) => Run(_predLow[segment], _predHigh[segment]);

    /// <summary>The segments of the epoch after that take keys of <paramref name="segment"/>, ascending (a new list each call).</summary>
    public IReadOnlyList<int> Successors(int segment) => Run(_succLow[segment], _succHigh[segment]);

    private static int[] Run(int low, int high) => high < low ? [] : [.. Enumerable.Range(low, high - low + 1)];

    /// <summary>Pravega's 64-bit segment id: <c>epoch &lt;&lt; 32 | number</c>.</summary>
    public long SegmentId(int segment) => ((long)_epochOf[segment] << 32) | (uint)segment;

    /// <summary>The segment of <paramref name="epoch"/> a key with hash <paramref name="keyHash"/> goes to.</summary>
    public int SegmentFor(uint keyHash, int epoch)
    {
        var n = (uint)Counts[epoch];
        var index = epoch == 0 ? keyHash % n : (uint)(((ulong)keyHash * n) >> 32);
        return _first[epoch] + (int)index;
    }

    /// <summary>Pravega's key range <c>[low, high)</c> of a segment; a modulo epoch's segments (epoch 0 with more than one) spread over all of it.</summary>
    public (double Low, double High) KeyRange(int segment)
    {
        var e = _epochOf[segment];
        var n = Counts[e];
        if (e == 0 && n > 1) return (0, 1);
        var i = segment - _first[e];
        return ((double)i / n, (double)(i + 1) / n);
    }

    /// <summary>
    /// Which segment each event of a transaction goes to when it commits in <paramref name="epoch"/>: its key's
    /// segment in that epoch. Events journaled before the journal kept key hashes carry their epoch-0 segment, which is
    /// only a segment of the stream while epoch 0 is current (a scale waits for such transactions: see <see cref="Transaction.HasFixedSegments"/>).
    /// </summary>
    public int[] Place(IReadOnlyList<TransactionEventRef> events, int epoch)
    {
        var placed = new int[events.Count];
        for (var i = 0; i < placed.Length; i++)
        {
            var e = events[i];
            if (e.FixedSegment < 0) placed[i] = SegmentFor(e.KeyHash, epoch);
            else if (_epochOf.Length > e.FixedSegment && _epochOf[e.FixedSegment] == epoch) placed[i] = e.FixedSegment;
            else throw new InvalidDataException($"an event journaled for segment {e.FixedSegment} cannot commit into epoch {epoch}");
        }
        return placed;
    }

    /// <summary>
    /// True when every predecessor of <paramref name="segment"/> is complete at <paramref name="position"/> (ends: each
    /// segment's length in bytes), that is when every transitive predecessor is read to its end (they are all sealed).
    /// </summary>
    public bool IsReadable(int segment, IReadOnlyList<long> position, IReadOnlyList<long> ends)
    {
        // One run of ancestors per earlier epoch, newest first: O(ancestors) time, nothing stored.
        for (int low = _predLow[segment], high = _predHigh[segment]; low <= high; (low, high) = (_predLow[low], _predHigh[high]))
            for (var a = low; a <= high; a++)
                if (position[a] < ends[a]) return false;
        return true;
    }

    /// <summary>
    /// Sealed, readable and read to its end. A sealed empty segment whose predecessors are unread is not complete: its
    /// successors must wait for those predecessors.
    /// </summary>
    public bool IsComplete(int segment, IReadOnlyList<long> position, IReadOnlyList<long> ends) =>
        IsSealed(segment) && position[segment] >= ends[segment] && IsReadable(segment, position, ends);

    /// <summary>
    /// The segments a stream cut at <paramref name="position"/> names (Pravega's cuts name one segment per key range):
    /// every readable segment except sealed, complete ones whose successors are all readable (those are implied by
    /// their successors). <see cref="Expand"/> turns the named segments back into the full position.
    /// </summary>
    public List<int> Frontier(IReadOnlyList<long> position, IReadOnlyList<long> ends)
    {
        var readable = Readable(position, ends);
        var notReadable = new int[Total + 1]; // segments before s not readable: a successor run is checked in O(1)
        for (var s = 0; s < Total; s++) notReadable[s + 1] = notReadable[s] + (readable[s] ? 0 : 1);
        var named = new List<int>();
        for (var s = 0; s < Total; s++)
        {
            if (!readable[s]) continue;
            var complete = IsSealed(s) && position[s] >= ends[s];
            if (complete && notReadable[_succHigh[s] + 1] - notReadable[Math.Min(_succLow[s], _succHigh[s] + 1)] == 0) continue;
            named.Add(s);
        }
        return named;
    }

    /// <summary>
    /// <see cref="IsReadable"/> of every segment at once, in O(segments): a segment is readable when each predecessor is
    /// read to its end and readable itself (predecessors have lower numbers, so one ascending pass with a prefix count
    /// of the segments that are not checks each predecessor run in O(1)).
    /// </summary>
    public bool[] Readable(IReadOnlyList<long> position, IReadOnlyList<long> ends)
    {
        var readable = new bool[Total];
        var notDone = new int[Total + 1]; // segments before s not read to their end or not readable
        for (var s = 0; s < Total; s++)
        {
            readable[s] = _predLow[s] > _predHigh[s] || notDone[_predHigh[s] + 1] - notDone[_predLow[s]] == 0;
            notDone[s + 1] = notDone[s] + (readable[s] && position[s] >= ends[s] ? 0 : 1);
        }
        return readable;
    }

    /// <summary>
    /// The full position of a cut naming <paramref name="named"/> (segment → offset): named segments at their offset,
    /// every (transitive) predecessor of a named segment at its end, every other segment at 0.
    /// </summary>
    public long[] Expand(IReadOnlyDictionary<int, long> named, IReadOnlyList<long> ends)
    {
        var position = new long[Total];
        foreach (var (s, offset) in named)
        {
            position[s] = offset;
            for (int low = _predLow[s], high = _predHigh[s]; low <= high; (low, high) = (_predLow[low], _predHigh[high]))
                for (var a = low; a <= high; a++)
                    if (!named.ContainsKey(a)) position[a] = ends[a];
        }
        return position;
    }

    /// <summary>Epochs after a scale to <paramref name="segments"/> segments.</summary>
    public StreamEpochs Scaled(int segments) => new([.. Counts, segments]);
}
