using System.Security.Cryptography;
using Grpc.Core;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;

namespace SensorStream.Gateway.Tests;

/// <summary>Bearer-token authentication and TLS with a certificate made by the test.</summary>
public sealed class SecurityTests
{
    [Fact]
    public async Task Missing_or_wrong_token_is_unauthenticated_and_the_right_one_works()
    {
        using var dir = new TempDirectory();
        var tokenFile = Path.Combine(dir.Path, "token");
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        OwnerOnlyFile.Write(tokenFile, token + "\n"); // a token others can read stops the start (SecurityWarningsTests)
        await using var gw = await TestGateway.StartAsync(s => s with { AuthTokenFile = tokenFile }, Path.Combine(dir.Path, "data"),
            endpoint => new GatewayClientOptions { Endpoint = endpoint, AuthToken = token });

        using var anonymous = new GatewayClient(gw.Server.Endpoint.ToString());
        Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() => anonymous.ListScopesAsync())).StatusCode);
        using var wrong = new GatewayClient(new GatewayClientOptions { Endpoint = gw.Server.Endpoint, AuthToken = token + "x" });
        Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() => wrong.CreateScopeAsync("s"))).StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(() =>
            wrong.WriteEventsAsync(new StreamName("s", "t"), [Events.Make("k", 1)]))).StatusCode);
        Assert.Empty(Directory.GetDirectories(Path.Combine(dir.Path, "data", "scopes")));

        Assert.True(await gw.Client.CreateScopeAsync("s"));
        Assert.Equal(["s"], await gw.Client.ListScopesAsync());
    }

    [Fact]
    public async Task Tls_with_a_self_signed_certificate()
    {
        using var dir = new TempDirectory();
        var (certFile, keyFile) = WriteSelfSignedPem(dir.Path);
        await using var gw = await TestGateway.StartAsync(s => s with { Urls = "https://127.0.0.1:0", TlsCert = certFile, TlsKey = keyFile },
            Path.Combine(dir.Path, "data"), endpoint => new GatewayClientOptions { Endpoint = endpoint, TrustedCertificateFile = certFile });
        Assert.Equal("https", gw.Server.Endpoint.Scheme);
        var stream = new StreamName("tls", "s");
        await gw.Client.EnsureStreamAsync(stream);
        await gw.Client.WriteEventsAsync(stream, [Events.Make("k", 1)]);
        Assert.Equal(["k|1|"], (await gw.Client.ReadRangeAsync(stream).ToListAsync()).Select(e => Events.Text(e.Data)));

        // A client that does not trust the certificate cannot talk to it.
        using var untrusting = new GatewayClient(new GatewayClientOptions { Endpoint = gw.Server.Endpoint, MaxRetryAttempts = 0 });
        var refused = await Assert.ThrowsAsync<RpcException>(() => untrusting.ListScopesAsync());
        Assert.True(refused.StatusCode is StatusCode.Unavailable or StatusCode.Internal, refused.ToString());
        Assert.Contains("SSL", refused.ToString());
    }

    private static (string Cert, string Key) WriteSelfSignedPem(string directory)
    {
        var (certFile, keyFile) = (Path.Combine(directory, "gateway.crt"), Path.Combine(directory, "gateway.key"));
        LoopbackCertificate.Write(certFile, keyFile, TimeSpan.FromDays(1));
        return (certFile, keyFile);
    }
}
