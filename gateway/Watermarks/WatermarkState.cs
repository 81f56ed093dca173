namespace SensorStream.Gateway.Watermarks;

/// <summary>
/// One writer's mark (Pravega's <c>WriterMark</c>): the lowest event time it may still write (ns since the Unix epoch),
/// when it last reported (ms since the Unix epoch, gateway clock), and the stream's tail offsets right after that report.
/// </summary>
public sealed record WriterMark(long Time, long HeardAtMs, long[] Position);

/// <summary>
/// What <c>watermark.json</c> in a stream's directory holds: the stream's watermark (<see cref="LowerTimeBound"/> 0 = none
/// yet; every event with an event time below it is before the segment offsets <see cref="Cut"/>) and the marks of the
/// writers that take part in it. Version 1.
/// </summary>
public sealed record WatermarkState
{
    public const int CurrentVersion = 1;

    public int Version { get; init; } = CurrentVersion;

    /// <summary>Event time (ns since the Unix epoch) below which every event is before <see cref="Cut"/>; 0 = no watermark yet.</summary>
    public long LowerTimeBound { get; init; }

    /// <summary>The highest time an active writer had reported when <see cref="LowerTimeBound"/> last advanced.</summary>
    public long UpperTimeBound { get; init; }

    /// <summary>Per segment, the offset every event below <see cref="LowerTimeBound"/> is before.</summary>
    public long[] Cut { get; init; } = [];

    public Dictionary<string, WriterMark> Writers { get; init; } = new(StringComparer.Ordinal);
}
