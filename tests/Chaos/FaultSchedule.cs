namespace SensorStream.Chaos;

/// <summary>One planned fault: when (from the start), what, and how long the component stays down.</summary>
public sealed record PlannedFault(TimeSpan At, FaultKind Kind, TimeSpan Downtime);

/// <summary>A seeded, reproducible schedule: the same seed and duration give the same faults at the same times.</summary>
public static class FaultSchedule
{
    public static IReadOnlyList<PlannedFault> Create(int seed, TimeSpan duration, TimeSpan meanInterval, IReadOnlyList<FaultKind> kinds)
    {
        var random = new Random(seed);
        var faults = new List<PlannedFault>();
        var at = TimeSpan.FromSeconds(3);
        var index = 0;
        while (true)
        {
            // Uniform in [0.5, 1.5] × mean: irregular, but never two faults on top of each other.
            at += meanInterval * (0.5 + random.NextDouble());
            if (at >= duration) break;
            // Cycle through every kind first so short runs still cover them all, then pick at random.
            var kind = index < kinds.Count ? kinds[index] : kinds[random.Next(kinds.Count)];
            var downtime = TimeSpan.FromMilliseconds(random.Next(200, 3000));
            faults.Add(new PlannedFault(at, kind, downtime));
            index++;
        }
        return faults;
    }
}
