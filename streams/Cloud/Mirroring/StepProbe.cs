namespace SensorStream.Streams.Mirroring;

/// <summary>
/// Called at every named point between two steps of a mirror or export step. Production passes none; tests throw
/// there to simulate a crash at exactly that point and then check that a re-run neither loses nor duplicates data.
/// </summary>
public delegate void StepProbe(string point);

/// <summary>The exception tests throw from a <see cref="StepProbe"/>: stands for the process dying at that point.</summary>
public sealed class SimulatedCrashException(string point) : Exception($"simulated crash at {point}")
{
    public string Point { get; } = point;
}
