using System.Security.Cryptography;
using System.Text;
using SensorStream.EdgeModule.Queue;
using SensorStream.EdgeModule.Sampling;

namespace SensorStream.EdgeModule.Transactions;

/// <summary>The lowest event time a writer may still write, asked right before each commit (Pravega's writer mark).</summary>
public interface IEventTimeSource
{
    /// <summary>
    /// The lowest sample time (ns since the Unix epoch) the collector may still send once the events up to id
    /// <paramref name="committedThroughId"/> are committed; null when it cannot tell cheaply now (a large backlog).
    /// </summary>
    Task<long?> LowestTimeAsync(long committedThroughId, CancellationToken ct);
}

/// <summary>
/// The collector's event time: the lowest of (1) the samplers' low water — the time of the polled sampler's current
/// tick, the first sample of a batch a sampler still holds, a hardware-timed sampler's next kernel timestamp — read first — (2) every sample of the events still queued after the commit, read
/// once everything the sampler handed over before (1) is stored, so no batch is between the two and missed; and the
/// wall clock when there is no sampler (a CSV-only collector). CSV rows not yet read from their files are not covered:
/// rows older than this time arrive late (functions/README.md, "Late data"). Null (the coordinator then repeats its
/// previous time) when the queue writer has not stored the handed-over batches within <see cref="MaxStoreWait"/>.
/// </summary>
public sealed class CollectorEventTime(Func<long?> samplersLowWater, QueueWriter writer, EventQueue queue) : IEventTimeSource
{
    /// <summary>Most queued events looked at per commit; above it the previous time is repeated (see <see cref="TransactionCoordinator"/>).</summary>
    public const int MaxEventsScanned = 200;

    /// <summary>Longest wait for the queue writer (a full or stalled disk): a commit is never held up longer for its time.</summary>
    public static readonly TimeSpan MaxStoreWait = TimeSpan.FromSeconds(1);

    public async Task<long?> LowestTimeAsync(long committedThroughId, CancellationToken ct)
    {
        var low = samplersLowWater() ?? MonotonicClock.UnixNowNanos();
        try
        {
            await writer.WhenStoredAsync().WaitAsync(MaxStoreWait, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null; // batches may be between the sampler and the queue: tell nothing new this time
        }
        if (!queue.TryOldestSampleTime(committedThroughId, MaxEventsScanned, out var oldest)) return null;
        return oldest is { } t ? Math.Min(t, low) : low;
    }

    /// <summary>
    /// A writer id that is stable across restarts of this collector and differs between collectors: the IoT Edge device
    /// and module ids (or the host name), and a hash of the queue database's full path.
    /// </summary>
    public static string WriterIdFor(string db)
    {
        var device = Environment.GetEnvironmentVariable("IOTEDGE_DEVICEID") ?? Environment.MachineName;
        var module = Environment.GetEnvironmentVariable("IOTEDGE_MODULEID") ?? "collector";
        var path = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(db))))[..12];
        return $"{device}/{module}/{path}";
    }
}
