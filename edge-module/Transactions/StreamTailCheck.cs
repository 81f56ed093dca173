using Google.Protobuf;
using Microsoft.Extensions.Logging;
using SensorStream.EdgeModule.Queue;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Streams.Protocol;

namespace SensorStream.EdgeModule.Transactions;

/// <summary>
/// The start-up check for a queue database rolled back together with its sequence files (README "Queue damage"): reads
/// the stream from the tail cut recorded in the database (<see cref="EventQueue.RecordedStreamTail"/>) to the current
/// tail with <see cref="StreamSequenceScan"/> — normally only what the last commits and other writers added since — and
/// hands the highest sequence per sensor found there to <see cref="EventQueue.ContinueAfterStreamTail"/>. A database
/// without a recorded tail (written before it existed) is not checked this once; its next commit records one.
/// </summary>
public static class StreamTailCheck
{
    /// <summary>
    /// Runs the check; gateway errors propagate (the coordinator retries them like any other); true when a rollback was found.
    /// A recorded cut that cannot be read (a damaged row) is logged as an error and the stream is read from its head instead.
    /// </summary>
    public static async Task<bool> RunAsync(EventQueue queue, GatewayClient gateway, StreamName stream, ILogger log, CancellationToken ct)
    {
        if (queue.RecordedStreamTail() is not { } recorded)
        {
            log.LogInformation("Queue database has no recorded stream tail yet (written before the rollback check existed): not checked against " +
                               "the stream this time; recorded from the next commit on");
            return false;
        }
        StreamCut? from;
        try
        {
            from = StreamCut.Parser.ParseFrom(recorded);
        }
        catch (InvalidProtocolBufferException e)
        {
            log.LogError("Queue database: the recorded stream tail (table StreamTail, {Bytes} bytes) cannot be read ({Error}); reading {Stream} from its head " +
                         "for the rollback check instead", recorded.Length, e.Message, stream);
            from = null;
        }
        var found = await StreamSequenceScan.ReadAsync(gateway, stream, log, ct, from).ConfigureAwait(false);
        log.LogInformation("Stream {Stream} read after the queue's recorded tail (start-up check): {Events} events, {Bytes} bytes, {Sensors} sensors in {Ms} ms",
            stream, found.EventsRead, found.BytesRead, found.Next.Count, (long)found.Elapsed.TotalMilliseconds);
        return queue.ContinueAfterStreamTail(found.Next, found.Tail.ToByteArray());
    }
}
