using System.Globalization;
using SensorStream.Streams.Protocol;

namespace SensorStream.Streams.BlobStreams;

/// <summary>
/// What a chunk's metadata says: its number, the global index of its first event, how many events it holds, and the
/// source stream cut right after its last event (the mirror's checkpoint, committed together with the data).
/// </summary>
public sealed record ChunkInfo(long Seq, long FirstEvent, int EventCount, StreamCut EndCut, long ContentLength, DateTimeOffset Created)
{
    internal const string FirstEventKey = "firstevent";
    internal const string EventCountKey = "events";
    internal const string EndCutKey = "endcut";

    /// <summary>Global index of the event after this chunk (= events mirrored so far when this is the last chunk).</summary>
    public long NextEvent => FirstEvent + EventCount;

    internal static Dictionary<string, string> Metadata(long firstEvent, int eventCount, StreamCut endCut) => new()
    {
        [FirstEventKey] = firstEvent.ToString(CultureInfo.InvariantCulture),
        [EventCountKey] = eventCount.ToString(CultureInfo.InvariantCulture),
        [EndCutKey] = StreamCutCodec.Encode(endCut),
    };

    internal static ChunkInfo FromMetadata(long seq, IDictionary<string, string> metadata, long contentLength, DateTimeOffset created)
    {
        // The SDK hands back metadata keys in the case the service reports, which is not always the case we wrote.
        string Get(string key) => metadata.FirstOrDefault(kv => string.Equals(kv.Key, key, StringComparison.OrdinalIgnoreCase)).Value
                                  ?? throw new InvalidDataException($"chunk {seq} has no '{key}' metadata");
        return new ChunkInfo(seq,
            long.Parse(Get(FirstEventKey), CultureInfo.InvariantCulture),
            int.Parse(Get(EventCountKey), CultureInfo.InvariantCulture),
            StreamCutCodec.Decode(Get(EndCutKey)),
            contentLength, created);
    }
}

/// <summary>A chunk with its events.</summary>
public sealed record Chunk(ChunkInfo Info, IReadOnlyList<ReadOnlyMemory<byte>> Events);
