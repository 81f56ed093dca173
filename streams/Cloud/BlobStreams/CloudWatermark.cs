namespace SensorStream.Streams.BlobStreams;

/// <summary>
/// The source stream's event-time watermark carried into the blob copy (<c>streams/{scope}/{stream}/watermark.json</c>,
/// replaced by ETag and only ever moved forward by the mirror): every event with an event time below
/// <see cref="LowerTimeBound"/> (ns since the Unix epoch, UTC) is in chunks up to and including <see cref="Chunk"/>
/// (-1: in none — the stream had no event when it was taken). <see cref="SourceCut"/> is the gateway's watermark cut
/// (<see cref="StreamCutCodec"/> form), <see cref="UpperTimeBound"/> the highest time an active writer had reported.
/// </summary>
public sealed record CloudWatermark
{
    public long LowerTimeBound { get; init; }

    public long UpperTimeBound { get; init; }

    public string SourceCut { get; init; } = "";

    public long Chunk { get; init; } = -1;

    /// <summary>The lower time bound as a UTC time (100 ns resolution).</summary>
    public DateTime LowerTimeUtc => DateTime.UnixEpoch.AddTicks(LowerTimeBound / 100);
}
