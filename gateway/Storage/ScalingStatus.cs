namespace SensorStream.Gateway.Storage;

/// <summary>
/// A stream's scaling now: its rule (null = fixed), current epoch and its segment count, segments of all epochs, the
/// measured commit rate (events/s and bytes/s over the auto-scaler's window), the auto-scaler's last decision and the
/// last scale it made ("" when none), and the bytes of all segments up to the tail and before the head.
/// </summary>
public sealed record ScalingStatus(ScalingRule? Rule, int Epoch, int Segments, int TotalSegments, double EventsPerSecond, double BytesPerSecond,
    string LastDecision, string LastAutoScale, long TailBytes, long HeadBytes);
