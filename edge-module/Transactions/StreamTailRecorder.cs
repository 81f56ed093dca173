using Google.Protobuf;
using Microsoft.Extensions.Logging;
using SensorStream.EdgeModule.Queue;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Streams.Protocol;

namespace SensorStream.EdgeModule.Transactions;

/// <summary>
/// Keeps the queue's recorded stream tail (<see cref="EventQueue.NoteStreamTail"/>) close to the stream's tail, so the
/// start-up rollback check (<see cref="StreamTailCheck"/>) reads only a little. The explicit-transaction protocol's
/// responses carry no position, so at most once per <see cref="Every"/> it asks GetStreamInfo <b>beside</b> the commit
/// (never awaited on the write path; a failure only leaves the older tail recorded); the public protocol hands over the
/// cut it records before every write anyway (<see cref="Note"/>). The queue writes the noted cut with its next commit's
/// bookkeeping: no SQL transaction or fsync of its own. The interval is measured on <paramref name="clock"/>, the
/// coordinator's (<see cref="CoordinatorOptions.Clock"/>), monotonic: a wall clock set back does not stop the asks.
/// </summary>
public sealed class StreamTailRecorder(EventQueue queue, GatewayClient gateway, StreamName stream, ILogger log, TimeProvider clock)
{
    /// <summary>
    /// At most one GetStreamInfo per this interval: the start-up read then covers at most about this much of the stream's
    /// traffic plus the commits since (README "Queue damage" gives the measured cost).
    /// </summary>
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(1);

    private long? _lastAsked; // clock.GetTimestamp() of the last ask or noted cut
    private Task _asking = Task.CompletedTask;

    /// <summary>A tail cut the caller took anyway (the public protocol's recorded cut).</summary>
    public void Note(StreamCut tail)
    {
        _lastAsked = clock.GetTimestamp();
        queue.NoteStreamTail(tail.ToByteArray());
    }

    /// <summary>
    /// Asks for the tail in the background when the last ask is older than <see cref="Every"/> and none is running;
    /// returns the ask (never faults), or null when none was due.
    /// </summary>
    public Task? RefreshIfDue(CancellationToken ct)
    {
        var now = clock.GetTimestamp();
        if (!_asking.IsCompleted || _lastAsked is { } last && clock.GetElapsedTime(last, now) < Every) return null;
        _lastAsked = now;
        _asking = Task.Run(async () =>
        {
            try
            {
                queue.NoteStreamTail((await gateway.GetStreamInfoAsync(stream, ct).ConfigureAwait(false)).Tail.ToByteArray());
            }
            catch (Exception e)
            {
                // The older recorded tail stays valid (only the start-up read gets longer); the next commit asks again.
                if (!ct.IsCancellationRequested) log.LogDebug("reading the stream tail to record failed ({Error})", e.Message);
            }
        }, CancellationToken.None);
        return _asking;
    }
}
