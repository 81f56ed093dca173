using SensorStream.EdgeModule.Configuration;
using SensorStream.EdgeModule.Queue;
using SensorStream.EdgeModule.Sensors;

namespace SensorStream.EdgeModule.Tests.Integration;

/// <summary>Settings for a collector run inside the test process (the library API the IoT Edge integration uses).</summary>
internal static class InProcessCollector
{
    public static EdgeSettings Settings(Uri gateway, string stream, string db, double maxQueueMb = 1024, QueueFullPolicy policy = QueueFullPolicy.Reject) => new EdgeSettings
    {
        Gateway = gateway,
        Scope = "edge",
        Stream = stream,
        Db = db,
        Sensors = EdgeArgs.TwoSensors.Select(s => SensorSpec.Parse($"synthetic:{s}")).ToArray(),
        Rate = 1000,
        Batch = 100,
        TxnMaxEvents = 10,
        MaxQueueMb = maxQueueMb,
        QueueFull = policy,
        RetryMaxDelay = TimeSpan.FromMilliseconds(300),
        ShutdownTimeout = TimeSpan.FromSeconds(20),
        OutcomeWindow = TimeSpan.FromSeconds(4),
    }.Validate();
}
