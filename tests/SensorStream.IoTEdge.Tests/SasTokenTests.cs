using System.Security.Cryptography;
using System.Text;
using SensorStream.EdgeModule.IoTEdge;

namespace SensorStream.IoTEdge.Tests;

public sealed class SasTokenTests
{
    // A test vector only: key = bytes 0..31. The expected token was computed outside .NET (Python's hmac and
    // urllib.parse.quote) from IoT Hub's documented formula.
    private const string VectorKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private const string VectorResource = "myhub.azure-devices.net/devices/dev1/modules/mod1";
    private const long VectorExpiry = 1767225600;
    private const string VectorToken =
        "SharedAccessSignature sr=myhub.azure-devices.net%2Fdevices%2Fdev1%2Fmodules%2Fmod1&sig=SEciy8bWstwDbiI95qGhXZ7T8C8SUL3j3w%2FyRWk5Fd4%3D&se=1767225600"; // secret-scan: test-vector (key = bytes 0..31)

    [Fact]
    public async Task Token_matches_the_known_vector()
    {
        var token = await SasToken.CreateAsync(new SharedKeySigner(VectorKey), VectorResource, VectorExpiry, CancellationToken.None);
        Assert.Equal(VectorToken, token);
    }

    [Fact]
    public void String_to_sign_is_the_encoded_resource_a_newline_and_the_expiry()
    {
        Assert.Equal("myhub.azure-devices.net%2Fdevices%2Fdev1%2Fmodules%2Fmod1\n1767225600", SasToken.StringToSign(VectorResource, VectorExpiry));
    }

    [Fact]
    public async Task Token_matches_an_independent_computation_for_a_random_key()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        const long expiry = 2_000_000_000;
        var sr = Uri.EscapeDataString(VectorResource);
        var sig = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{sr}\n{expiry}")));
        var expected = $"SharedAccessSignature sr={sr}&sig={Uri.EscapeDataString(sig)}&se={expiry}";

        var token = await SasToken.CreateAsync(new SharedKeySigner(Convert.ToBase64String(key)), VectorResource, expiry, CancellationToken.None);
        Assert.Equal(expected, token);
    }

    [Fact]
    public void Module_identity_names_follow_the_iot_hub_mqtt_rules()
    {
        var id = new ModuleIdentity("myhub.azure-devices.net", "dev1", "mod1", "edge-gw.local");
        Assert.Equal("dev1/mod1", id.ClientId);
        Assert.Equal("myhub.azure-devices.net/dev1/mod1/?api-version=2021-04-12", id.UserName);
        Assert.Equal(VectorResource, id.ResourceUri);
        Assert.Equal("edge-gw.local", id.ConnectHost);
        Assert.Equal("myhub.azure-devices.net", (id with { GatewayHostName = null }).ConnectHost);
    }
}
