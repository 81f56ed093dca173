using System.Text.Json.Nodes;

namespace SensorStream.EdgeModule.IoTEdge;

/// <summary>
/// The periodic health/summary message: module counters, not raw samples (those go through the streams).
/// Sent on output <c>health</c> so the edgeHub route can send it <c>$upstream</c>.
/// </summary>
public static class HealthMessage
{
    public const string OutputName = "health";

    /// <summary>System properties: JSON in UTF-8 (lets IoT Hub route on the body), and the edgeHub output.</summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> Properties =
    [
        new("$.ct", "application/json"),
        new("$.ce", "utf-8"),
        new("$.on", OutputName),
    ];

    public static string Topic(ModuleIdentity id) => IoTHubTopics.Events(id, Properties);

    public static JsonObject Body(ModuleIdentity id, JsonObject metrics, JsonObject connection, DateTimeOffset now) => new()
    {
        ["type"] = "health",
        ["deviceId"] = id.DeviceId,
        ["moduleId"] = id.ModuleId,
        ["timeUtc"] = now.UtcDateTime.ToString("O"),
        ["connection"] = connection,
        ["metrics"] = metrics,
    };
}
