namespace SensorStream.IoTEdge.Tests.Infrastructure;

/// <summary>
/// A clock whose "now" never moves, so SAS token expiries (and therefore the passwords the broker expects) are
/// known in advance. Timers and delays still run on real time: only GetUtcNow is pinned.
/// </summary>
public sealed class PinnedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
