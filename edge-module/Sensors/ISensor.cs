namespace SensorStream.EdgeModule.Sensors;

/// <summary>
/// The plug-in point for a sampled sensor. The sampler calls <see cref="Read"/> once per deadline on its
/// dedicated thread, for every sensor of that rate, so a read must be quick and must not block.
/// </summary>
public interface ISensor : ISensorSource
{
    /// <summary>The columns one sample fills and the scalars every event carries.</summary>
    SensorShape Shape { get; }

    /// <summary>
    /// Reads one sample into <paramref name="longs"/> and <paramref name="doubles"/> (lengths follow
    /// <see cref="Shape"/>). <paramref name="sequence"/> is the sample's sequence number (deterministic sources use it).
    /// </summary>
    void Read(long sequence, Span<long> longs, Span<double> doubles);
}
