using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SensorStream.IoTEdge.Tests.Infrastructure;

/// <summary>A throwaway edge CA and an edgeHub server certificate for 127.0.0.1, generated per test as PEM files.</summary>
public sealed class TestCertificates : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("edge-ca-");

    public string CaPem { get; }
    public TlsFiles Files { get; }

    public TestCertificates(string caName = "Test Edge CA")
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={caName}", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-5);
        using var ca = caRequest.CreateSelfSigned(notBefore, notBefore.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=edgehub", serverKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(san.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = serverRequest.Create(ca, notBefore, notBefore.AddHours(12), RandomNumberGenerator.GetBytes(8));

        CaPem = ca.ExportCertificatePem();
        var caFile = Path.Combine(_dir.FullName, "ca.pem");
        var certFile = Path.Combine(_dir.FullName, "server.pem");
        var keyFile = Path.Combine(_dir.FullName, "server.key");
        File.WriteAllText(caFile, CaPem);
        File.WriteAllText(certFile, server.ExportCertificatePem() + "\n" + CaPem);
        File.WriteAllText(keyFile, serverKey.ExportPkcs8PrivateKeyPem());
        Files = new TlsFiles(caFile, certFile, keyFile);
    }

    public void Dispose()
    {
        try { _dir.Delete(recursive: true); } catch (IOException) { }
    }
}
