using SensorStream.Streams.Protocol;

namespace SensorStream.Streams.Client;

/// <summary>
/// A stream's event-time watermark as the gateway reports it (Pravega's <c>Watermark</c>): every event with an event
/// time below <see cref="LowerTimeBound"/> (ns since the Unix epoch, UTC) is before <see cref="Cut"/>.
/// <see cref="UpperTimeBound"/> is the highest time an active writer had reported.
/// </summary>
public sealed record EventTimeWatermark(long LowerTimeBound, long UpperTimeBound, StreamCut Cut)
{
    /// <summary>The lower time bound as a UTC time (100 ns resolution).</summary>
    public DateTime LowerTimeUtc => DateTime.UnixEpoch.AddTicks(LowerTimeBound / 100);
}

/// <summary>
/// What a writer reports with a commit (Pravega's <c>Transaction.commit(timestamp)</c>): its stable id and the lowest
/// event time (ns since the Unix epoch) it may still write after this commit.
/// </summary>
public sealed record WriterTime(string WriterId, long EventTimeNanos);
