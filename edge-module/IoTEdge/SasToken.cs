using System.Globalization;
using System.Net;

namespace SensorStream.EdgeModule.IoTEdge;

/// <summary>
/// IoT Hub shared access signatures:
/// <c>SharedAccessSignature sr={urlenc(resource)}&amp;sig={urlenc(base64(HMACSHA256(key, urlenc(resource) + "\n" + expiry)))}&amp;se={expiry}</c>.
/// The signing itself is an <see cref="ISasSigner"/> so the key can stay inside the IoT Edge security daemon.
/// </summary>
public static class SasToken
{
    public static string EncodedResource(string resourceUri) => WebUtility.UrlEncode(resourceUri);

    public static string StringToSign(string resourceUri, long expiryUnixSeconds) =>
        EncodedResource(resourceUri) + "\n" + expiryUnixSeconds.ToString(CultureInfo.InvariantCulture);

    public static string Format(string resourceUri, string base64Signature, long expiryUnixSeconds) =>
        "SharedAccessSignature sr=" + EncodedResource(resourceUri)
        + "&sig=" + WebUtility.UrlEncode(base64Signature)
        + "&se=" + expiryUnixSeconds.ToString(CultureInfo.InvariantCulture);

    public static async Task<string> CreateAsync(ISasSigner signer, string resourceUri, long expiryUnixSeconds, CancellationToken ct)
    {
        var signature = await signer.SignAsync(StringToSign(resourceUri, expiryUnixSeconds), ct).ConfigureAwait(false);
        return Format(resourceUri, signature, expiryUnixSeconds);
    }
}

/// <summary>Produces base64(HMACSHA256(key, data)) for a string to sign, with whichever key the identity uses.</summary>
public interface ISasSigner
{
    Task<string> SignAsync(string stringToSign, CancellationToken ct);
}
