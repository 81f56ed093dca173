using SensorStream.Streams.Protocol;

namespace SensorStream.Streams.Client;

/// <summary>One event read from a stream, with the stream cut right after it (a resumable position).</summary>
public sealed record StreamEvent(ReadOnlyMemory<byte> Data, StreamCut CutAfter, EventPointer Pointer);

/// <summary>An event to append, routed by its key (order holds per routing key).</summary>
public readonly record struct OutgoingEvent(string RoutingKey, ReadOnlyMemory<byte> Data);

/// <summary>
/// Head (oldest readable) and tail (next write) cuts of a stream, and — from this project's gateway, null from the
/// public one — its segments and scaling (<see cref="StreamScalingInfo"/>).
/// </summary>
public sealed record StreamBounds(StreamCut Head, StreamCut Tail)
{
    public StreamScalingInfo? Scaling { get; init; }
}
