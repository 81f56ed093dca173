namespace SensorStream.Functions.Settings;

/// <summary>
/// How the cloud host authenticates to a gateway: a bearer token (from an app setting — in Azure a Key Vault
/// reference — or from a file) and, for https with a private CA, the PEM file to trust. Never logged.
/// </summary>
public sealed record GatewayCredentials(string? Token, string? TrustedCertificateFile)
{
    public static readonly GatewayCredentials None = new(null, null);

    /// <summary>Reads <c>{prefix}_TOKEN</c>, <c>{prefix}_TOKEN_FILE</c> and <c>{prefix}_CA_FILE</c>.</summary>
    public static GatewayCredentials From(Func<string, string?> setting, string prefix)
    {
        var token = setting($"{prefix}_TOKEN");
        if (setting($"{prefix}_TOKEN_FILE") is { } file)
        {
            if (token is not null) throw new FormatException($"set {prefix}_TOKEN or {prefix}_TOKEN_FILE, not both");
            if (!File.Exists(file)) throw new FormatException($"{prefix}_TOKEN_FILE: '{file}' does not exist");
            token = File.ReadAllText(file).Trim();
            if (token.Length == 0) throw new FormatException($"{prefix}_TOKEN_FILE: '{file}' is empty");
        }
        var ca = setting($"{prefix}_CA_FILE");
        if (ca is not null && !File.Exists(ca)) throw new FormatException($"{prefix}_CA_FILE: '{ca}' does not exist");
        return new GatewayCredentials(token, ca);
    }

    /// <summary>Redacted on purpose: records print their members, and the token must never reach a log.</summary>
    public override string ToString() => $"GatewayCredentials {{ Token = {(Token is null ? "none" : "***")}, TrustedCertificateFile = {TrustedCertificateFile} }}";
}
