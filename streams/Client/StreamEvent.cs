using SensorStream.Streams.Protocol;

namespace SensorStream.Streams.Client;

/// <summary>One event read from a stream, with the stream cut right after it (a resumable position).</summary>
public sealed record StreamEvent(ReadOnlyMemory<byte> Data, StreamCut CutAfter, EventPointer Pointer);

/// <summary>An event to append, routed by its key (order holds per routing key).</summary>
public readonly record struct OutgoingEvent(string RoutingKey, ReadOnlyMemory<byte> Data);

/// <summary>
/// Head (oldest readable) and tail (next write) cuts of a stream and — from this project's gateway, null from the
/// public one — its event-time watermark and its segments and scaling (<see cref="StreamScalingInfo"/>).
/// </summary>
public sealed record StreamBounds(StreamCut Head, StreamCut Tail)
{
    /// <summary>The stream's event-time watermark; null when the gateway has none (no writer reported time, or a public gateway).</summary>
    public EventTimeWatermark? Watermark { get; init; }

    /// <summary>Segments, epoch and auto-scaling now; null from a public gateway.</summary>
    public StreamScalingInfo? Scaling { get; init; }
}
