using System.Security.Cryptography;
using SensorStream.Streams.Client;

namespace SensorStream.Cli.Local;

/// <summary>
/// What a secure local run (<c>run --tls</c>) protects its gateway with, kept in <c>&lt;data dir&gt;/secrets</c> (0700):
/// a self-signed certificate for 127.0.0.1/localhost with its key (0600), and a bearer token (0600). Components and
/// commands get the file paths, never the token itself.
/// </summary>
public sealed record LocalCredentials(string CertFile, string KeyFile, string TokenFile)
{
    public const string Folder = "secrets";

    /// <summary>A certificate that expires sooner than this is replaced at the next start.</summary>
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(1);

    private static readonly TimeSpan Validity = TimeSpan.FromDays(90);

    /// <summary>Where the files of the run in <paramref name="dataDir"/> are (whether or not they exist yet).</summary>
    public static LocalCredentials In(string dataDir)
    {
        var folder = Path.Combine(dataDir, Folder);
        return new LocalCredentials(Path.Combine(folder, "gateway.crt"), Path.Combine(folder, "gateway.key"), Path.Combine(folder, "gateway.token"));
    }

    /// <summary>
    /// Prepares the files for a run. The certificate is reused while it is valid for another day (whoever trusts it keeps
    /// trusting it); a new token is made every run, so a token copied from an earlier run opens nothing.
    /// </summary>
    public static LocalCredentials Prepare(string dataDir)
    {
        var credentials = In(dataDir);
        var folder = Path.GetDirectoryName(credentials.CertFile)!;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); // an older folder too
        }
        // A key others could read may have been copied: make a new pair rather than just tightening the mode.
        if (!LoopbackCertificate.IsUsable(credentials.CertFile, credentials.KeyFile, RenewBefore) || !OwnerOnlyFile.IsOwnerOnly(credentials.KeyFile))
            LoopbackCertificate.Write(credentials.CertFile, credentials.KeyFile, Validity);
        OwnerOnlyFile.Write(credentials.TokenFile, Convert.ToHexString(RandomNumberGenerator.GetBytes(32)));
        return credentials;
    }

    /// <summary>The gateway serves https with the certificate and requires the token.</summary>
    public IReadOnlyList<string> GatewayArguments => ["--tls-cert", CertFile, "--tls-key", KeyFile, "--auth-token-file", TokenFile];

    /// <summary>The edge collector trusts the certificate and sends the token.</summary>
    public IReadOnlyList<string> EdgeArguments => ["--gateway-ca-file", CertFile, "--gateway-token-file", TokenFile];

    /// <summary>A token inherited from the shell (SENSORSTREAM_GATEWAY_TOKEN) is blanked: the collector refuses two tokens.</summary>
    public static IReadOnlyDictionary<string, string> EdgeEnvironment => new Dictionary<string, string> { ["SENSORSTREAM_GATEWAY_TOKEN"] = "" };

    /// <summary>
    /// The cloud host trusts the certificate and sends the token. GATEWAY_TOKEN is blanked so that one inherited from the
    /// shell or local.settings.json cannot clash with the file.
    /// </summary>
    public IReadOnlyDictionary<string, string> CloudEnvironment => new Dictionary<string, string>
    {
        ["GATEWAY_CA_FILE"] = CertFile,
        ["GATEWAY_TOKEN_FILE"] = TokenFile,
        ["GATEWAY_TOKEN"] = "",
    };
}
