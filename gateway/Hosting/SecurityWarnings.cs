using System.Net;

namespace SensorStream.Gateway.Hosting;

/// <summary>
/// Start-up warnings about secrets: a token file or TLS key that other users can read, or that group or others can
/// change, and a bearer token sent in clear over h2c on a non-loopback address. Logged, not refused: deployments that
/// knowingly share a file (a read-only bind mount) keep working.
/// </summary>
public static class SecurityWarnings
{
    /// <summary>One line per problem (empty when none).</summary>
    public static List<string> For(GatewaySettings settings)
    {
        var warnings = new List<string>();
        CheckPrivate(settings.AuthTokenFile, "--auth-token-file", warnings);
        CheckPrivate(settings.TlsKey ?? (settings.TlsCert is { } cert && IsPkcs12(cert) ? cert : null), "--tls-key", warnings);
        if (settings.AuthTokenFile is not null)
            foreach (var url in settings.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                if (url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && !IsLoopback(url))
                    warnings.Add($"the bearer token travels in clear text over h2c on {url} (not a loopback address): anyone on that network can read it; serve https (--tls-cert) or listen on 127.0.0.1");
        return warnings;
    }

    private static bool IsPkcs12(string path) => path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase);

    private static void CheckPrivate(string? path, string flag, List<string> warnings)
    {
        if (path is null || OperatingSystem.IsWindows() || !File.Exists(path)) return;
        var mode = File.GetUnixFileMode(path);
        if ((mode & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.GroupWrite)) != 0)
            warnings.Add($"{flag} file {path} can be read or changed by other users (mode {Convert.ToString((int)mode, 8)}): chmod 600 it");
    }

    private static bool IsLoopback(string url)
    {
        var host = new Uri(url.Replace("*", "0.0.0.0").Replace("+", "0.0.0.0")).Host.Trim('[', ']');
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }
}
