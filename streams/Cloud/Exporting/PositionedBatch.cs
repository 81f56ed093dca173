using SensorStream.Streams.Events;

namespace SensorStream.Streams.Exporting;

/// <summary>
/// An event's batch with its place in the blob stream: chunk <c>Chunk</c>, event <c>Event</c>
/// of that chunk (0-based, counting every event of the chunk, dead-lettered ones too).
/// </summary>
public readonly record struct PositionedBatch(SampleBatch Batch, long Chunk, int Event);
