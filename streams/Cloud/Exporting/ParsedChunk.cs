using SensorStream.Streams.BlobStreams;
using SensorStream.Streams.Events;

namespace SensorStream.Streams.Exporting;

/// <summary>An event that cannot be exported, with the reason (it goes to a dead-letter blob, the stream goes on).</summary>
public sealed record BadEvent(long Chunk, int Index, string Reason, ReadOnlyMemory<byte> Data);

/// <summary>
/// A chunk's events parsed into batches (<see cref="BatchIndexes"/>: which event each batch came from); the ones
/// that do not parse are set aside with their reason and a copy of their bytes. Holds nothing of the chunk's body,
/// so the body can go back to a pool once parsed.
/// </summary>
public sealed record ParsedChunk(ChunkInfo Info, IReadOnlyList<SampleBatch> Batches,
    IReadOnlyList<int> BatchIndexes, IReadOnlyList<BadEvent> Bad)
{
    public long Rows => Batches.Sum(b => (long)b.Count);

    public ChunkSummary Summary => new(Info.Seq, Rows, Info.ContentLength, Info.Created);

    /// <summary>The batches with their place in the stream (this chunk, the index of the event each came from).</summary>
    public IEnumerable<PositionedBatch> Positioned => Batches.Select((b, i) => new PositionedBatch(b, Info.Seq, BatchIndexes[i]));

    /// <summary>
    /// Parses every event of <paramref name="chunk"/>; one over <paramref name="maxEventBytes"/> is set aside unparsed
    /// (parsing cost is bounded before it is paid), one that is not a valid event is set aside with the parser's reason.
    /// </summary>
    public static ParsedChunk Parse(Chunk chunk, int maxEventBytes)
    {
        var batches = new List<SampleBatch>();
        var indexes = new List<int>();
        var bad = new List<BadEvent>();
        for (var i = 0; i < chunk.Events.Count; i++)
        {
            var data = chunk.Events[i];
            if (data.Length > maxEventBytes)
            {
                bad.Add(new BadEvent(chunk.Info.Seq, i, OverLimitReason(data.Length, maxEventBytes), data.ToArray()));
                continue;
            }
            try
            {
                var batch = SampleBatchJson.Deserialize(data.Span);
                // Event time names the Hive partition; any non-negative long of ns (up to 2262) is a valid UTC hour.
                foreach (var t in batch.TimestampNanos)
                    if (t < 0) throw new FormatException($"TimestampNanos holds {t}, which is before 1970");
                batches.Add(batch);
                indexes.Add(i);
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                bad.Add(new BadEvent(chunk.Info.Seq, i, e.Message, data.ToArray()));
            }
        }
        return new ParsedChunk(chunk.Info, batches, indexes, bad);
    }

    /// <summary>The dead-letter reason of an event over the limit, e.g. <c>event of 8388609 bytes is over the 8388608-byte event limit</c>.</summary>
    public static string OverLimitReason(int bytes, int maxEventBytes) =>
        $"event of {bytes} bytes is over the {maxEventBytes}-byte event limit (Pravega's 8 MiB, the gateway's --max-event-bytes default); not parsed";
}
