using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Serialization;

namespace SensorStream.EdgeModule.IoTEdge;

/// <summary>
/// The IoT Edge security daemon's workload API: it holds the module's key and signs for it, and hands out the
/// trust bundle that edgeHub's server certificate chains to.
/// </summary>
public sealed class WorkloadApiClient : ISasSigner, IDisposable
{
    public const string DefaultApiVersion = "2018-06-28";

    private readonly HttpClient _http;
    private readonly string _moduleId;
    private readonly string _generationId;
    private readonly string _apiVersion;

    public WorkloadApiClient(Uri workloadUri, string moduleId, string generationId, string? apiVersion = null)
    {
        _http = UnixSocketHttp.Create(workloadUri, TimeSpan.FromSeconds(30));
        _moduleId = moduleId;
        _generationId = generationId;
        _apiVersion = string.IsNullOrEmpty(apiVersion) ? DefaultApiVersion : apiVersion;
    }

    public async Task<string> SignAsync(string stringToSign, CancellationToken ct)
    {
        var path = $"modules/{Uri.EscapeDataString(_moduleId)}/genid/{Uri.EscapeDataString(_generationId)}/sign?api-version={Uri.EscapeDataString(_apiVersion)}";
        var request = new SignRequest("primary", "HMACSHA256", Convert.ToBase64String(Encoding.UTF8.GetBytes(stringToSign)));
        using var response = await _http.PostAsJsonAsync(path, request, WorkloadJson.Default.SignRequest, ct).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "sign", ct).ConfigureAwait(false);
        var body = await response.Content.ReadFromJsonAsync(WorkloadJson.Default.SignResponse, ct).ConfigureAwait(false);
        return string.IsNullOrEmpty(body?.Digest)
            ? throw new InvalidOperationException("Workload API sign response has no digest.")
            : body.Digest;
    }

    /// <summary>The PEM chain edgeHub's certificate is issued under.</summary>
    public async Task<X509Certificate2Collection> GetTrustBundleAsync(CancellationToken ct)
    {
        using var response = await _http.GetAsync($"trust-bundle?api-version={Uri.EscapeDataString(_apiVersion)}", ct).ConfigureAwait(false);
        await EnsureSuccessAsync(response, "trust-bundle", ct).ConfigureAwait(false);
        var body = await response.Content.ReadFromJsonAsync(WorkloadJson.Default.TrustBundleResponse, ct).ConfigureAwait(false);
        return string.IsNullOrEmpty(body?.Certificate)
            ? throw new InvalidOperationException("Workload API trust-bundle response has no certificate.")
            : TrustBundle.ParsePem(body.Certificate);
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string call, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (text.Length > 300) text = text[..300];
        throw new HttpRequestException($"Workload API {call} failed: {(int)response.StatusCode} {text}", null, response.StatusCode);
    }

    public void Dispose() => _http.Dispose();
}

internal sealed record SignRequest(
    [property: JsonPropertyName("keyId")] string KeyId,
    [property: JsonPropertyName("algo")] string Algo,
    [property: JsonPropertyName("data")] string Data);

internal sealed record SignResponse([property: JsonPropertyName("digest")] string? Digest);

internal sealed record TrustBundleResponse([property: JsonPropertyName("certificate")] string? Certificate);

[JsonSerializable(typeof(SignRequest))]
[JsonSerializable(typeof(SignResponse))]
[JsonSerializable(typeof(TrustBundleResponse))]
internal sealed partial class WorkloadJson : JsonSerializerContext;
