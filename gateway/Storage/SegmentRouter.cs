using System.IO.Hashing;
using System.Text;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// Routing key → 32-bit hash → segment. XxHash32 of the key's UTF-8 bytes: stable across processes and versions (unlike
/// string.GetHashCode), so a key keeps its segment — and its order — across restarts. An empty key is a real key. Which
/// segment a hash goes to depends on the epoch (<see cref="StreamEpochs.SegmentFor"/>).
/// </summary>
public static class SegmentRouter
{
    /// <summary>The key's hash: what the journal keeps with each transaction event, so it is routed when it commits.</summary>
    public static uint KeyHash(string routingKey) => XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(routingKey));

    /// <summary>The segment of a stream that never scaled (one epoch of <paramref name="segmentCount"/> segments: hash modulo count).</summary>
    public static int SegmentOf(string routingKey, int segmentCount) =>
        segmentCount == 1 ? 0 : (int)(KeyHash(routingKey) % (uint)segmentCount);
}
