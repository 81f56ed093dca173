using SensorStream.EdgeModule.IoTEdge;
using SensorStream.IoTEdge.Tests.Infrastructure;

namespace SensorStream.IoTEdge.Tests;

/// <summary>Authentication failures, token renewal and edgeHub outages: the client retries and never throws.</summary>
public sealed class EdgeHubConnectionTests
{
    [Fact]
    public async Task A_token_signed_with_the_wrong_key_is_refused_and_the_client_keeps_retrying()
    {
        var otherKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        await using var rig = await EdgeRig.StartAsync(brokerKey: otherKey);

        // Each attempt signs a fresh token: three signatures mean three refused connections, with back-off between.
        await Poll.UntilAsync(() => rig.Workload.SignedData.Count >= 3, "three connection attempts");
        Assert.False(rig.Client.IsConnected);
        Assert.Equal(0, rig.Client.ConnectionCount);
        Assert.NotNull(rig.Client.LastError);
        Assert.Empty(rig.Hub!.TwinGets);
        Assert.False(rig.RunTask.IsCompleted);
    }

    [Fact]
    public async Task The_client_reconnects_with_a_fresh_token_before_the_old_one_expires()
    {
        // 2 s tokens renewed at half-life: a reconnection every second.
        await using var rig = await EdgeRig.StartAsync(o => o with { TokenLifetime = TimeSpan.FromSeconds(2), RenewAt = 0.5, HealthInterval = TimeSpan.FromHours(1) });
        await Poll.UntilAsync(() => rig.Client.ConnectionCount >= 2, "a renewal");

        Assert.True(rig.Workload.SignedData.Count >= 2); // a new signature per connection
        var reported = await rig.Hub!.WaitForAsync("$iothub/twin/PATCH/properties/reported/", 2);
        Assert.Equal(2, reported[1].Json["connection"]!["connectionCount"]!.GetValue<int>());
        Assert.True(rig.Hub.TwinGets.Count >= 2); // the twin is fetched again after each reconnection
    }

    [Fact]
    public async Task Without_edgeHub_the_client_waits_and_connects_once_it_appears_and_again_after_a_restart()
    {
        // The fake edgeHub subscribes just after the broker starts; a client that is quicker gets no twin answer,
        // times out (5 s here: a loaded CI machine can take more than 1 s for a twin round trip, every time) and
        // reconnects: so connection counts are "at least", and the twin round trip is what proves the link works.
        await using var rig = await EdgeRig.StartAsync(o => o with { OperationTimeout = TimeSpan.FromSeconds(5) }, startBroker: false);
        await Poll.UntilAsync(() => rig.Client.LastError is not null, "a failed connection attempt");
        Assert.False(rig.Client.IsConnected);
        Assert.Equal(0, rig.Client.ConnectionCount);
        Assert.False(rig.RunTask.IsCompleted);

        await rig.StartBrokerAsync();
        await rig.Hub!.WaitForAsync("$iothub/twin/PATCH/properties/reported/", 1);
        var before = rig.Client.ConnectionCount;
        Assert.True(before >= 1);

        await rig.StopBrokerAsync();
        await Poll.UntilAsync(() => !rig.Client.IsConnected, "the client to notice the broker is gone");
        await rig.StartBrokerAsync();
        await rig.Hub!.WaitForAsync("$iothub/twin/PATCH/properties/reported/", 1);

        var status = await rig.Hub.InvokeMethodAsync(DirectMethods.Status);
        Assert.Equal(200, status.Status);
        Assert.True(status.Payload!["connection"]!["connectionCount"]!.GetValue<int>() > before);
    }
}
