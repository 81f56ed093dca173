using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace SensorStream.EdgeModule.IoTEdge;

/// <summary>
/// Validates edgeHub's server certificate against the IoT Edge trust bundle only: the edge CA is private, so
/// the system store would reject it, and trusting the system store as well would let any public CA vouch for
/// an impostor on the local network.
/// </summary>
public static class TrustBundle
{
    public static X509Certificate2Collection ParsePem(string pem)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(pem);
        if (collection.Count == 0) throw new FormatException("Trust bundle holds no certificate.");
        return collection;
    }

    public static X509Certificate2Collection LoadPemFile(string path) => ParsePem(File.ReadAllText(path));

    /// <summary>True when <paramref name="certificate"/> chains to one of <paramref name="roots"/> and names the host we dialled.</summary>
    public static bool Validate(X509Certificate? certificate, X509Chain? presentedChain, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (certificate is null) return false;
        // A wrong name is never excused; chain errors are re-judged below against our own roots.
        if ((errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0) return false;

        using var leaf = new X509Certificate2(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // edge CAs publish no CRL
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.ExtraStore.AddRange(roots);
        if (presentedChain is not null)
            foreach (var element in presentedChain.ChainElements)
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        return chain.Build(leaf);
    }
}
