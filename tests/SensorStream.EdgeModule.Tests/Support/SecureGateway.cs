using System.Security.Cryptography;
using SensorStream.Streams.Client;
using SensorStream.Testing;

namespace SensorStream.EdgeModule.Tests.Support;

/// <summary>
/// A real gateway process serving https with a self-signed certificate and requiring a random bearer token, with the
/// files a collector needs to reach it.
/// </summary>
public sealed class SecureGateway : IAsyncDisposable
{
    private SecureGateway(GatewayProcess process, string certFile, string token)
    {
        Process = process;
        CertFile = certFile;
        Token = token;
    }

    public GatewayProcess Process { get; }

    public string CertFile { get; }

    /// <summary>The token the gateway expects (tests check that it appears in no output).</summary>
    public string Token { get; }

    public Uri Endpoint => Process.Endpoint;

    public static async Task<SecureGateway> StartAsync(TempDirectory dir)
    {
        var (certFile, keyFile, tokenFile) = (dir.File("gateway.crt"), dir.File("gateway.key"), dir.File("gateway.token"));
        LoopbackCertificate.Write(certFile, keyFile, TimeSpan.FromDays(1));
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        OwnerOnlyFile.Write(tokenFile, token + "\n");
        var process = await GatewayProcess.StartAsync(dir.File("gateway"),
            ["--tls-cert", certFile, "--tls-key", keyFile, "--auth-token-file", tokenFile]);
        return new SecureGateway(process, certFile, token);
    }

    /// <summary>A client with the certificate and the right token (the test's own view of the stream).</summary>
    public GatewayClientOptions ClientOptions => new() { Endpoint = Endpoint, TrustedCertificateFile = CertFile, AuthToken = Token };

    /// <summary>Collector flags that trust the certificate and send the token held in <paramref name="tokenFile"/>.</summary>
    public string[] CollectorArgs(string tokenFile) => ["--gateway-ca-file", CertFile, "--gateway-token-file", tokenFile];

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
