using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SensorStream.Streams.Configuration.Catalogs;

namespace SensorStream.Gateway.Hosting;

/// <summary>Loads the server certificate: PEM certificate + PEM key, or a PKCS#12 file.</summary>
public static class TlsCertificate
{
    public static X509Certificate2 Load(GatewaySettings settings)
    {
        var path = settings.TlsCert!;
        try
        {
            if (path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase))
                return X509CertificateLoader.LoadPkcs12FromFile(path, settings.TlsPassword);
            if (settings.TlsKey is null)
                throw new ConfigurationError($"{GatewayServerSettings.Group["TlsKey"].FlagAndVariable}: a PEM certificate needs its private key file");
            using var pem = settings.TlsPassword is { Length: > 0 } password
                ? X509Certificate2.CreateFromEncryptedPemFile(path, password, settings.TlsKey)
                : X509Certificate2.CreateFromPemFile(path, settings.TlsKey);
            // Re-import: on some platforms an ephemeral PEM key cannot be used by the TLS stack directly.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new ConfigurationError($"{GatewayServerSettings.Group["TlsCert"].FlagAndVariable}: cannot load '{path}': {e.Message}");
        }
    }
}
