namespace SensorStream.EdgeModule.IoTEdge;

/// <summary>
/// Capped exponential back-off with jitter: min·2^(n-1), at most max, scaled by a random 0.5–1.0 so a fleet of
/// devices that lost edgeHub (or IoT Hub) together does not reconnect in lock-step.
/// </summary>
public static class Backoff
{
    public static TimeSpan Delay(int failures, TimeSpan min, TimeSpan max, double jitter01)
    {
        if (failures <= 0) return TimeSpan.Zero;
        var exponent = Math.Min(failures - 1, 30);
        var ticks = Math.Min(max.Ticks, min.Ticks * Math.Pow(2, exponent));
        return TimeSpan.FromTicks((long)(ticks * (0.5 + 0.5 * Math.Clamp(jitter01, 0, 1))));
    }
}
