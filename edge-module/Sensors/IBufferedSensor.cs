namespace SensorStream.EdgeModule.Sensors;

/// <summary>
/// A hardware-timed sensor: the device (or the kernel) takes the samples at its own clock and keeps them in a buffer
/// with their timestamps; the collector drains it on a dedicated thread, so no sample depends on user-space timing.
/// </summary>
public interface IBufferedSensor : ISensorSource
{
    /// <summary>The columns one sample fills and the scalars every event carries.</summary>
    SensorShape Shape { get; }

    /// <summary>The device's sampling period in nanoseconds (a gap between two timestamps longer than 1.5 periods counts as missed samples).</summary>
    long PeriodNanos { get; }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for buffered samples and decodes at most <paramref name="timestamps"/>.Length
    /// of them: sample <c>i</c>'s time (ns since the Unix epoch) into <c>timestamps[i]</c>, its value of double column
    /// <c>c</c> into <c>doubles[c][i]</c>. Returns how many were decoded (0 when none arrived in time).
    /// </summary>
    int ReadSamples(Span<long> timestamps, double[][] doubles, TimeSpan timeout);
}
