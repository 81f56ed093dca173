using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.EdgeModule.Queue;

namespace SensorStream.EdgeModule.Tests.Support;

/// <summary>Looks into a collector's queue database after the collector has exited.</summary>
public static class QueueFile
{
    public static (QueueStats Stats, IReadOnlyDictionary<string, long> Next, IReadOnlyList<PendingTransaction> Pending, IReadOnlyList<Loss> Losses) Inspect(string path)
    {
        using var queue = EventQueue.Open(path, new QueueOptions(), NullLogger.Instance);
        return (queue.Stats(), queue.NextSequences(), queue.Pending(), queue.Losses());
    }

    /// <summary>
    /// An empty queue whose sequences are proven (as after a first start that found the stream empty): a collector started
    /// on it samples at once even while no gateway is listening. A brand-new queue waits for the stream instead.
    /// </summary>
    public static void CreateProvenEmpty(string path)
    {
        using var queue = EventQueue.Open(path, new QueueOptions(), NullLogger.Instance);
        queue.ContinueAfterStream(new Dictionary<string, long>());
    }
}
