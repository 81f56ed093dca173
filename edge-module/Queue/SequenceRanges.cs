namespace SensorStream.EdgeModule.Queue;

/// <summary>Interval arithmetic on sample sequence ranges (half-open [first, end)).</summary>
internal static class SequenceRanges
{
    /// <summary>The parts of [<paramref name="from"/>, <paramref name="to"/>) that no (first, count) range of <paramref name="covered"/> covers, in order.</summary>
    public static IEnumerable<(long First, long End)> Uncovered(long from, long to, IEnumerable<(long First, long Count)> covered)
    {
        var at = from;
        foreach (var (first, count) in covered.OrderBy(c => c.First))
        {
            if (at >= to) yield break;
            if (first + count <= at) continue;
            if (first > at) yield return (at, Math.Min(first, to));
            at = Math.Max(at, first + count);
        }
        if (at < to) yield return (at, to);
    }
}
