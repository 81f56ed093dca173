using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SensorStream.Streams.Client;

/// <summary>
/// A self-signed TLS certificate for a gateway on this machine (127.0.0.1, ::1, localhost): a PEM certificate, which
/// clients trust (<see cref="GatewayClientOptions.TrustedCertificateFile"/>), and a PEM private key readable by the owner
/// only, which the gateway serves with (<c>--tls-cert</c>/<c>--tls-key</c>). For local runs and tests; a deployment
/// uses a certificate from its own CA.
/// </summary>
public static class LoopbackCertificate
{
    public const string Subject = "CN=sensorstream-local-gateway";

    public static void Write(string certFile, string keyFile, TimeSpan validity)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(Subject, key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        // Clients trust exactly this certificate as their root, so it is marked as a CA that signs nothing else.
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false)); // server authentication
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now + validity);
        OwnerOnlyFile.Write(keyFile, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certFile, certificate.ExportCertificatePem());
    }

    /// <summary>
    /// True when the pair loads, the key matches the certificate, it names 127.0.0.1, and it stays valid for at least
    /// <paramref name="margin"/>: such a pair can be served again instead of making a new one.
    /// </summary>
    public static bool IsUsable(string certFile, string keyFile, TimeSpan margin)
    {
        if (!File.Exists(certFile) || !File.Exists(keyFile)) return false;
        try
        {
            using var certificate = X509Certificate2.CreateFromPemFile(certFile, keyFile);
            var now = DateTime.UtcNow;
            return certificate.NotBefore.ToUniversalTime() <= now && certificate.NotAfter.ToUniversalTime() >= now + margin &&
                   certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Any(e => e.EnumerateIPAddresses().Contains(IPAddress.Loopback));
        }
        catch (CryptographicException)
        {
            return false; // unreadable, or a key that does not belong to the certificate
        }
    }
}
