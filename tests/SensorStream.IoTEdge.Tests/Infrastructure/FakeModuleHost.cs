using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using SensorStream.EdgeModule.IoTEdge;

namespace SensorStream.IoTEdge.Tests.Infrastructure;

/// <summary>A module that records what the IoT Edge client asks of it. Sensor specs of kind "bad" are refused, as the collector would.</summary>
public sealed class FakeModuleHost : IModuleHost
{
    public ConcurrentQueue<DesiredSettings> Applied { get; } = new();
    public int Flushes;
    public long SamplesTaken = 12345;

    public JsonObject MetricsSnapshot() => new() { ["samplesTaken"] = Interlocked.Read(ref SamplesTaken), ["flushes"] = Volatile.Read(ref Flushes) };

    public Task<JsonObject> FlushAsync(CancellationToken ct)
    {
        var n = Interlocked.Increment(ref Flushes);
        return Task.FromResult(new JsonObject { ["flushed"] = true, ["flushes"] = n });
    }

    public Task<ApplyResult> ApplyAsync(DesiredSettings settings, CancellationToken ct)
    {
        var errors = new Dictionary<string, string>();
        if (settings.Sensors?.Any(s => s.StartsWith("bad:", StringComparison.Ordinal)) == true)
        {
            errors[DesiredSettingsParser.SensorsName] = "unknown sensor kind 'bad'";
            settings = settings with { Sensors = Applied.LastOrDefault()?.Sensors };
        }
        Applied.Enqueue(settings);
        return Task.FromResult(new ApplyResult(settings.ToJson(), errors));
    }
}
