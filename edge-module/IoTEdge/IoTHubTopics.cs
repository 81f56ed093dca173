using System.Globalization;
using System.Net;

namespace SensorStream.EdgeModule.IoTEdge;

/// <summary>The IoT Hub MQTT topic names a module uses, and the parsing of the ones it receives.</summary>
public static class IoTHubTopics
{
    public const string TwinResponseFilter = "$iothub/twin/res/#";
    public const string DesiredPatchFilter = "$iothub/twin/PATCH/properties/desired/#";
    public const string MethodRequestFilter = "$iothub/methods/POST/#";

    private const string TwinResponsePrefix = "$iothub/twin/res/";
    private const string DesiredPatchPrefix = "$iothub/twin/PATCH/properties/desired/";
    private const string MethodRequestPrefix = "$iothub/methods/POST/";

    public static string TwinGet(string rid) => $"$iothub/twin/GET/?$rid={rid}";

    public static string ReportedPatch(string rid) => $"$iothub/twin/PATCH/properties/reported/?$rid={rid}";

    public static string MethodResponse(int status, string rid) =>
        $"$iothub/methods/res/{status.ToString(CultureInfo.InvariantCulture)}/?$rid={rid}";

    /// <summary>Telemetry topic with a URL-encoded property bag (system properties start with <c>$.</c>).</summary>
    public static string Events(ModuleIdentity id, IEnumerable<KeyValuePair<string, string>> properties)
    {
        var bag = string.Join('&', properties.Select(p => $"{EncodeKey(p.Key)}={WebUtility.UrlEncode(p.Value)}"));
        return $"devices/{id.DeviceId}/modules/{id.ModuleId}/messages/events/{bag}";
    }

    // System property names ($.ct, $.on, …) go as they are: IoT Hub expects the '$' literally.
    private static string EncodeKey(string key) =>
        key.All(c => char.IsAsciiLetterOrDigit(c) || c is '$' or '.' or '-' or '_') ? key : WebUtility.UrlEncode(key);

    /// <summary><c>$iothub/twin/res/{status}/?$rid={rid}[&amp;$version={v}]</c></summary>
    public static bool TryParseTwinResponse(string topic, out int status, out string rid)
    {
        status = 0;
        rid = "";
        if (!topic.StartsWith(TwinResponsePrefix, StringComparison.Ordinal)) return false;
        var rest = topic[TwinResponsePrefix.Length..];
        var slash = rest.IndexOf('/');
        if (slash <= 0 || !int.TryParse(rest[..slash], NumberStyles.None, CultureInfo.InvariantCulture, out status)) return false;
        var value = QueryValue(rest[(slash + 1)..], "$rid");
        if (value is null) return false;
        rid = value;
        return true;
    }

    /// <summary><c>$iothub/twin/PATCH/properties/desired/?$version={n}</c></summary>
    public static bool TryParseDesiredPatch(string topic, out long version)
    {
        version = 0;
        if (!topic.StartsWith(DesiredPatchPrefix, StringComparison.Ordinal)) return false;
        var value = QueryValue(topic[DesiredPatchPrefix.Length..], "$version");
        return value is not null && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out version);
    }

    /// <summary><c>$iothub/methods/POST/{name}/?$rid={rid}</c></summary>
    public static bool TryParseMethodRequest(string topic, out string name, out string rid)
    {
        name = "";
        rid = "";
        if (!topic.StartsWith(MethodRequestPrefix, StringComparison.Ordinal)) return false;
        var rest = topic[MethodRequestPrefix.Length..];
        var slash = rest.IndexOf('/');
        if (slash <= 0) return false;
        var value = QueryValue(rest[(slash + 1)..], "$rid");
        if (value is null) return false;
        name = rest[..slash];
        rid = value;
        return true;
    }

    private static string? QueryValue(string tail, string key)
    {
        var query = tail.StartsWith('?') ? tail[1..] : tail;
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            if (eq > 0 && pair.AsSpan(0, eq).SequenceEqual(key)) return WebUtility.UrlDecode(pair[(eq + 1)..]);
        }
        return null;
    }
}
