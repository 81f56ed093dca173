using System.Text.Json.Nodes;

namespace SensorStream.EdgeModule.IoTEdge;

/// <summary>
/// Builds the reported-properties patches. Twin patches merge objects key by key, so an error that is fixed has
/// to be reported as null to disappear; this class remembers which errors it reported last.
/// Property paths use '/' because twin keys may not contain '.', '$' or spaces.
/// </summary>
public sealed class ReportedProperties
{
    public const string ConfigName = "config";
    public const string ConfigStatusName = "configStatus";
    public const string ConnectionName = "connection";

    private HashSet<string> _reportedErrors = new(StringComparer.Ordinal);

    /// <summary>The patch after applying desired version <paramref name="desiredVersion"/>.</summary>
    public JsonObject AfterApply(long desiredVersion, JsonObject applied, IReadOnlyDictionary<string, string> errors, DateTimeOffset now)
    {
        var errorsJson = new JsonObject();
        foreach (var path in errors.Keys.Union(_reportedErrors).Order(StringComparer.Ordinal))
            errorsJson[path] = errors.TryGetValue(path, out var reason) ? reason : null;
        _reportedErrors = new HashSet<string>(errors.Keys, StringComparer.Ordinal);

        return new JsonObject
        {
            [ConfigName] = applied.DeepClone(),
            [ConfigStatusName] = new JsonObject
            {
                ["desiredVersion"] = desiredVersion,
                ["state"] = errors.Count == 0 ? "applied" : "rejected",
                ["errors"] = errorsJson,
                ["appliedAtUtc"] = now.UtcDateTime.ToString("O"),
            },
        };
    }

    /// <summary>The patch sent on every (re)connection.</summary>
    public static JsonObject OnConnect(DateTimeOffset connectedAt, int connectionCount) => new()
    {
        [ConnectionName] = new JsonObject
        {
            ["connectedAtUtc"] = connectedAt.UtcDateTime.ToString("O"),
            ["connectionCount"] = connectionCount,
        },
    };
}
