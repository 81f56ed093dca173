using System.IO.Hashing;
using System.Text;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// Routing key → segment. XxHash32 of the key's UTF-8 bytes: stable across processes and versions (unlike
/// string.GetHashCode), so a key keeps its segment — and its order — across restarts. An empty key is a real key.
/// </summary>
public static class SegmentRouter
{
    public static int SegmentOf(string routingKey, int segmentCount)
    {
        if (segmentCount == 1) return 0;
        var hash = XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(routingKey));
        return (int)(hash % (uint)segmentCount);
    }
}
