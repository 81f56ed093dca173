using SensorStream.Streams.Mirroring;

namespace SensorStream.Cloud.Tests.Infrastructure;

/// <summary>A probe that "crashes" (throws) the <paramref name="occurrence"/>-th time the step passes <paramref name="point"/>.</summary>
public sealed class Crash(string point, int occurrence = 1)
{
    private int _seen;

    public bool Fired { get; private set; }

    public void Probe(string at)
    {
        if (at != point || Fired) return;
        if (++_seen < occurrence) return;
        Fired = true;
        throw new SimulatedCrashException(at);
    }
}
