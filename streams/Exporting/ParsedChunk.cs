using SensorStream.Streams.BlobStreams;
using SensorStream.Streams.Events;

namespace SensorStream.Streams.Exporting;

/// <summary>An event that cannot be exported, with the reason (it goes to a dead-letter blob, the stream goes on).</summary>
public sealed record BadEvent(long Chunk, int Index, string Reason, ReadOnlyMemory<byte> Data);

/// <summary>
/// A chunk's events parsed into batches (<see cref="BatchIndexes"/>: which event each batch came from); the ones
/// that do not parse are set aside with their reason.
/// </summary>
public sealed record ParsedChunk(ChunkInfo Info, IReadOnlyList<ReadOnlyMemory<byte>> Events, IReadOnlyList<SampleBatch> Batches,
    IReadOnlyList<int> BatchIndexes, IReadOnlyList<BadEvent> Bad)
{
    /// <summary>Event time must give a real calendar hour for the Hive partition.</summary>
    private static readonly long MaxTimestampNanos = (DateTime.MaxValue - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerHour * TimeSpan.TicksPerHour * 100 - 1;

    public long Rows => Batches.Sum(b => (long)b.Count);

    public ChunkSummary Summary => new(Info.Seq, Rows, Info.ContentLength, Info.Created);

    public static ParsedChunk Parse(Chunk chunk)
    {
        var batches = new List<SampleBatch>();
        var indexes = new List<int>();
        var bad = new List<BadEvent>();
        for (var i = 0; i < chunk.Events.Count; i++)
        {
            var data = chunk.Events[i];
            try
            {
                var batch = SampleBatchJson.Deserialize(data.Span);
                foreach (var t in batch.TimestampNanos)
                    if (t < 0 || t > MaxTimestampNanos) throw new FormatException($"TimestampNanos holds {t}, which is not a time since 1970");
                batches.Add(batch);
                indexes.Add(i);
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                bad.Add(new BadEvent(chunk.Info.Seq, i, e.Message, data));
            }
        }
        return new ParsedChunk(chunk.Info, chunk.Events, batches, indexes, bad);
    }
}
