namespace SensorStream.EdgeModule.Metrics;

/// <summary>
/// One sensor's sampling counters (README "Sampling"): served on the metrics endpoint with a <c>sensor</c> label and in
/// the status method, so a slow or absent device shows up as itself, not in a total.
/// </summary>
/// <param name="SensorId">The sensor.</param>
/// <param name="Samples">Samples recorded.</param>
/// <param name="LateSamples">Polled: samples read more than half a period after their deadline (kept, with their true read time).</param>
/// <param name="MissedSamples">Samples never taken: polled deadlines skipped, or gaps in a hardware-timed sensor's timestamps.</param>
/// <param name="ReadErrors">Failed reads (device absent or refusing).</param>
/// <param name="MaxLatenessMicros">Polled: the largest lateness of a read after its deadline, µs.</param>
public sealed record SensorMetrics(string SensorId, long Samples, long LateSamples, long MissedSamples, long ReadErrors, double MaxLatenessMicros);
