using SensorStream.EdgeModule.Tests.Integration;
using SensorStream.Streams.Naming;

namespace SensorStream.EdgeModule.Tests.Support;

/// <summary>The end state every crash and restart test demands of a collector that stopped cleanly.</summary>
public static class Delivery
{
    /// <summary>
    /// The queue at <paramref name="db"/> is empty, nothing is pending or lost, and the stream holds each test sensor's
    /// samples exactly once and in order. Returns the stream's audit for further checks.
    /// </summary>
    public static async Task<StreamAudit> AssertEverySampleOnceAsync(Uri gateway, StreamName stream, string db)
    {
        var final = QueueFile.Inspect(db);
        Assert.Equal(0, final.Stats.Events);
        Assert.Empty(final.Pending);
        Assert.Empty(final.Losses);
        var audit = await StreamAudit.ReadAsync(gateway, stream);
        foreach (var sensor in EdgeArgs.TwoSensors) audit.AssertExactlyOnce(sensor, final.Next[sensor]);
        return audit;
    }
}
