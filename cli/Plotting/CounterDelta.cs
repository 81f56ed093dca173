namespace SensorStream.Cli.Plotting;

/// <summary>
/// The increase of a cumulative counter between two readings, the way Prometheus' <c>rate()</c> reads counters:
/// a drop is a wrap of a 32-bit counter when the earlier reading was in the upper half of the 32-bit range (the
/// increase is what it took to wrap), otherwise a reset (the counter restarted from 0, so the increase is the new reading).
/// </summary>
public static class CounterDelta
{
    private const long Wrap32 = 1L << 32;

    /// <summary>The increase from <paramref name="previous"/> to <paramref name="current"/>; never negative.</summary>
    public static long Between(long previous, long current) =>
        current >= previous ? current - previous
        : previous is >= Wrap32 / 2 and < Wrap32 && current < Wrap32 ? current + Wrap32 - previous
        : Math.Max(current, 0);
}
