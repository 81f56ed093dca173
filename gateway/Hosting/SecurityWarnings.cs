using System.Net;

namespace SensorStream.Gateway.Hosting;

/// <summary>
/// Start-up checks of secrets: a token file or TLS key that other users can read, or that group or others can change,
/// stops the start (<see cref="SettingsCatalog.Check"/>) unless <c>--allow-shared-secrets true</c> accepts it (a
/// knowingly shared file, e.g. a read-only bind mount); then it is a warning. A bearer token sent in clear over h2c on
/// a non-loopback address is always a warning.
/// </summary>
public static class SecurityWarnings
{
    /// <summary>One line per problem to log at start-up (empty when none).</summary>
    public static List<string> For(GatewaySettings settings)
    {
        var warnings = SharedSecretFiles(settings).Select(p => $"{p.Flag} {p.Problem}").ToList();
        if (settings.AuthTokenFile is not null)
            foreach (var url in settings.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                if (url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && !IsLoopback(url))
                    warnings.Add($"the bearer token travels in clear text over h2c on {url} (not a loopback address): anyone on that network can read it; serve https (--tls-cert) or listen on 127.0.0.1");
        return warnings;
    }

    /// <summary>The token file and TLS key (or PKCS#12 certificate) that group or others can read or change: the setting's flag and the problem.</summary>
    public static IEnumerable<(string Flag, string Problem)> SharedSecretFiles(GatewaySettings settings)
    {
        if (Shared(settings.AuthTokenFile) is { } token) yield return ("--auth-token-file", token);
        if (Shared(settings.TlsKey ?? (settings.TlsCert is { } cert && IsPkcs12(cert) ? cert : null)) is { } key)
            yield return (settings.TlsKey is null ? "--tls-cert" : "--tls-key", key);
    }

    private static bool IsPkcs12(string path) => path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase);

    private static string? Shared(string? path)
    {
        if (path is null || OperatingSystem.IsWindows() || !File.Exists(path)) return null;
        var mode = File.GetUnixFileMode(path);
        return (mode & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.GroupWrite)) != 0
            ? $"file {path} can be read or changed by other users (mode {Convert.ToString((int)mode, 8)}): chmod 600 it"
            : null;
    }

    private static bool IsLoopback(string url)
    {
        var host = new Uri(url.Replace("*", "0.0.0.0").Replace("+", "0.0.0.0")).Host.Trim('[', ']');
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }
}
