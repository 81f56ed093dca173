using SensorStream.EdgeModule.IoTEdge;
using SensorStream.IoTEdge.Tests.Infrastructure;

namespace SensorStream.IoTEdge.Tests;

/// <summary>TLS to edgeHub: the server certificate must chain to the workload API's trust bundle, and only to it.</summary>
public sealed class EdgeHubTlsTests
{
    private static EdgeHubClientOptions WithTls(EdgeHubClientOptions o) =>
        o with { UseTls = true, TrustRoots = ((WorkloadApiClient)o.Signer).GetTrustBundleAsync };

    [Fact]
    public async Task Connects_over_tls_when_edgeHub_certificate_chains_to_the_trust_bundle()
    {
        using var certs = new TestCertificates();
        await using var rig = await EdgeRig.StartAsync(WithTls, startClient: false, tls: certs.Files);
        rig.Workload.TrustBundlePem = certs.CaPem;
        rig.StartClient();

        await rig.Hub!.WaitForAsync("$iothub/twin/PATCH/properties/reported/", 1);
        Assert.True(rig.Client.IsConnected);
        Assert.Equal(1, rig.Workload.TrustBundleRequests);
    }

    [Fact]
    public async Task Refuses_an_edgeHub_whose_certificate_chains_to_another_ca()
    {
        using var certs = new TestCertificates();
        using var impostor = new TestCertificates("Some Other CA");
        await using var rig = await EdgeRig.StartAsync(WithTls, startClient: false, tls: certs.Files);
        rig.Workload.TrustBundlePem = impostor.CaPem;
        rig.StartClient();

        // The bundle is fetched again on every attempt (a rotated edge CA is picked up): two fetches = two refusals.
        await Poll.UntilAsync(() => Volatile.Read(ref rig.Workload.TrustBundleRequests) >= 2, "two TLS attempts");
        Assert.Equal(0, rig.Client.ConnectionCount);
        Assert.NotNull(rig.Client.LastError);
        Assert.Empty(rig.Hub!.TwinGets);
    }
}
