using SensorStream.Streams.Protocol;

namespace SensorStream.Streams.Client;

/// <summary>
/// Events read together (one ReadEventBatches response, or one ReadEvents event from a gateway without it), in read
/// order, with the stream cut right after the last of them: a resumable position, as <see cref="StreamEvent.CutAfter"/>.
/// <paramref name="Bytes"/> is the sum of the events' lengths.
/// </summary>
public sealed record StreamEventBatch(IReadOnlyList<ReadOnlyMemory<byte>> Events, long Bytes, StreamCut CutAfter);
