namespace SensorStream.EdgeModule.IoTEdge;

/// <summary>
/// A module connection string, for running outside the IoT Edge runtime:
/// <c>HostName=…;DeviceId=…;ModuleId=…;SharedAccessKey=…[;GatewayHostName=…]</c>.
/// </summary>
public sealed record ModuleConnectionString(ModuleIdentity Identity, string SharedAccessKey)
{
    public static ModuleConnectionString Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // The key is base64 and may end in '=': split at the first '=' only.
            var eq = part.IndexOf('=');
            if (eq <= 0) throw new FormatException($"Connection string part '{Redact(part)}' is not key=value.");
            parts[part[..eq]] = part[(eq + 1)..];
        }

        string Required(string key) =>
            parts.TryGetValue(key, out var value) && value.Length > 0
                ? value
                : throw new FormatException($"Module connection string has no {key}.");

        var key = Required("SharedAccessKey");
        try { _ = Convert.FromBase64String(key); }
        catch (FormatException) { throw new FormatException("Module connection string SharedAccessKey is not base64."); }

        parts.TryGetValue("GatewayHostName", out var gateway);
        var identity = new ModuleIdentity(Required("HostName"), Required("DeviceId"), Required("ModuleId"),
            string.IsNullOrEmpty(gateway) ? null : gateway);
        return new ModuleConnectionString(identity, key);
    }

    // Never echo a key into an exception message or a log.
    private static string Redact(string part) =>
        part.StartsWith("SharedAccessKey", StringComparison.OrdinalIgnoreCase) ? "SharedAccessKey…" : part;

    public override string ToString() => $"{Identity} (key redacted)";
}
