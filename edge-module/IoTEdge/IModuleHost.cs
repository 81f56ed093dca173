using System.Text.Json.Nodes;

namespace SensorStream.EdgeModule.IoTEdge;

/// <summary>
/// What the IoT Edge client needs from the module it fronts. Kept this small so the client can be built and
/// tested without the collector, and so the collector never depends on MQTT.
/// </summary>
public interface IModuleHost
{
    /// <summary>A JSON snapshot of the module's state and counters: the <c>status</c> method's answer and the health message body.</summary>
    JsonObject MetricsSnapshot();

    /// <summary>Commits what is queued now (the <c>flush</c> method); returns what was done.</summary>
    Task<JsonObject> FlushAsync(CancellationToken ct);

    /// <summary>
    /// Applies the validated desired settings (absent values mean "the module's own configuration").
    /// Returns the configuration now in force and the settings the module refused, by property name.
    /// </summary>
    Task<ApplyResult> ApplyAsync(DesiredSettings settings, CancellationToken ct);
}

/// <param name="Applied">The configuration in force after the call, as reported to the twin.</param>
/// <param name="Errors">Property name (e.g. <c>sensors</c>, <c>batch.maxSamples</c>) to the reason it was refused.</param>
public sealed record ApplyResult(JsonObject Applied, IReadOnlyDictionary<string, string> Errors);
