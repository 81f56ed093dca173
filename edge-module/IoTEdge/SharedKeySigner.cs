using System.Security.Cryptography;
using System.Text;

namespace SensorStream.EdgeModule.IoTEdge;

/// <summary>Signs with a module key held in memory (from a connection string, outside IoT Edge).</summary>
public sealed class SharedKeySigner(string base64Key) : ISasSigner
{
    private readonly byte[] _key = Convert.FromBase64String(base64Key);

    public Task<string> SignAsync(string stringToSign, CancellationToken ct) =>
        Task.FromResult(Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(stringToSign))));
}
