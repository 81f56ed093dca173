using System.Text.Json.Nodes;
using SensorStream.EdgeModule.IoTEdge;
using SensorStream.IoTEdge.Tests.Infrastructure;

namespace SensorStream.IoTEdge.Tests;

/// <summary>The module twin over a real broker: connect, GET, apply, report; desired patches validated property by property.</summary>
public sealed class EdgeHubTwinTests
{
    [Fact]
    public async Task Connects_as_the_module_then_gets_the_twin_applies_it_and_reports()
    {
        await using var rig = await EdgeRig.StartAsync(startClient: false);
        rig.Hub!.Desired["rateHz"] = 500;
        rig.Hub.Desired["sensors"] = new JsonArray("nic:eth0", "mpu6050:1:0x68");
        rig.Hub.Desired["stream"] = "plant1/line-a";
        rig.StartClient();

        var reported = (await rig.Hub.WaitForAsync("$iothub/twin/PATCH/properties/reported/", 1))[0];

        // The broker accepted exactly IoT Hub's username and the independently computed SAS token (password file),
        // and logged the client id.
        var connectLine = $"as {EdgeRig.DeviceId}/{EdgeRig.ModuleId} (p2, c1, k60, u'{EdgeRig.HubHostName}/{EdgeRig.DeviceId}/{EdgeRig.ModuleId}/?api-version=2021-04-12')";
        await Poll.UntilAsync(() => rig.Broker!.Log.Contains(connectLine, StringComparison.Ordinal), "the broker to log the module's connection");
        // One signature, over urlenc(resource) + "\n" + expiry, asked of the workload API.
        var expectedToSign = $"{EdgeRig.HubHostName}%2Fdevices%2F{EdgeRig.DeviceId}%2Fmodules%2F{EdgeRig.ModuleId}\n{EdgeRig.Expiry(TimeSpan.FromHours(1))}";
        Assert.Equal([expectedToSign], rig.Workload.SignedData);

        Assert.Equal("$iothub/twin/GET/?$rid=1", Assert.Single(rig.Hub.TwinGets).Topic);
        Assert.Equal("$iothub/twin/PATCH/properties/reported/?$rid=2", reported.Topic);
        var patch = reported.Json;
        Assert.Equal(500, patch["config"]!["rateHz"]!.GetValue<double>());
        Assert.Equal("plant1/line-a", patch["config"]!["stream"]!.GetValue<string>());
        Assert.Equal(["nic:eth0", "mpu6050:1:0x68"], patch["config"]!["sensors"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal("applied", patch["configStatus"]!["state"]!.GetValue<string>());
        Assert.Equal(1, patch["configStatus"]!["desiredVersion"]!.GetValue<long>());
        Assert.Empty(patch["configStatus"]!["errors"]!.AsObject());
        Assert.Equal(1, patch["connection"]!["connectionCount"]!.GetValue<int>());

        var applied = Assert.Single(rig.Host.Applied);
        Assert.Equal(500, applied.RateHz);
        Assert.Null(applied.BatchSize); // not in the twin: the module's own configuration stays
        Assert.True(rig.Client.IsConnected);
    }

    [Fact]
    public async Task Desired_patches_apply_and_bad_values_are_rejected_by_property_name()
    {
        await using var rig = await EdgeRig.StartAsync(startClient: false);
        rig.Hub!.Desired["rateHz"] = 500;
        rig.StartClient();
        await rig.Hub.WaitForAsync("$iothub/twin/PATCH/properties/reported/", 1);

        // A bad rate and a good batch size in one patch: the batch size applies, the rate keeps 500.
        await rig.Hub.SendDesiredPatchAsync(new JsonObject { ["rateHz"] = 0, ["batchSize"] = 200, ["colour"] = "red" });
        var second = (await rig.Hub.WaitForAsync("$iothub/twin/PATCH/properties/reported/", 2))[1].Json;
        Assert.Equal("rejected", second["configStatus"]!["state"]!.GetValue<string>());
        Assert.Equal(2, second["configStatus"]!["desiredVersion"]!.GetValue<long>());
        var errors = second["configStatus"]!["errors"]!.AsObject();
        Assert.Equal(["colour", "rateHz"], errors.Select(e => e.Key).Order());
        Assert.Contains("must be between 1 and 20000 Hz, got 0", errors["rateHz"]!.GetValue<string>()); // the collector's bound and message (one settings model)
        Assert.Contains("unknown property", errors["colour"]!.GetValue<string>());
        Assert.Equal(500, second["config"]!["rateHz"]!.GetValue<double>());
        Assert.Equal(200, second["config"]!["batchSize"]!.GetValue<int>());

        // Fixing the rate and removing the unknown property clears both errors (reported as null, as twins need).
        await rig.Hub.SendDesiredPatchAsync(new JsonObject { ["rateHz"] = 250, ["colour"] = null });
        var third = (await rig.Hub.WaitForAsync("$iothub/twin/PATCH/properties/reported/", 3))[2];
        Assert.Equal("applied", third.Json["configStatus"]!["state"]!.GetValue<string>());
        Assert.Contains("\"errors\":{\"colour\":null,\"rateHz\":null}", third.Payload);
        Assert.Equal(250, third.Json["config"]!["rateHz"]!.GetValue<double>());
        Assert.Equal(200, third.Json["config"]!["batchSize"]!.GetValue<int>());

        // The collector itself refuses a sensor it cannot build; its reason is reported under "sensors".
        await rig.Hub.SendDesiredPatchAsync(new JsonObject { ["sensors"] = new JsonArray("bad:x") });
        var fourth = (await rig.Hub.WaitForAsync("$iothub/twin/PATCH/properties/reported/", 4))[3].Json;
        Assert.Equal("unknown sensor kind 'bad'", fourth["configStatus"]!["errors"]!["sensors"]!.GetValue<string>());
        Assert.Equal(4, rig.Host.Applied.Count);
    }

    [Fact]
    public async Task A_skipped_desired_version_makes_the_module_fetch_the_whole_twin_again()
    {
        await using var rig = await EdgeRig.StartAsync();
        await rig.Hub!.WaitForAsync("$iothub/twin/PATCH/properties/reported/", 1);

        // Version 3 arrives while 2 was never seen: the patch alone cannot be trusted to be the whole change.
        await rig.Hub.SendDesiredPatchAsync(new JsonObject { ["batchSize"] = 50 }, versionOverride: 3);
        var reported = (await rig.Hub.WaitForAsync("$iothub/twin/PATCH/properties/reported/", 2))[1].Json;
        Assert.Equal(2, rig.Hub.TwinGets.Count);
        Assert.Equal(3, reported["configStatus"]!["desiredVersion"]!.GetValue<long>());
        Assert.Equal(50, reported["config"]!["batchSize"]!.GetValue<int>());

        // An old version (already contained in the fetched twin) is ignored.
        await rig.Hub.SendDesiredPatchAsync(new JsonObject { ["batchSize"] = 7 }, versionOverride: 2);
        var status = await rig.Hub.InvokeMethodAsync(DirectMethods.Status); // round trip: the patch was handled before
        Assert.Equal(200, status.Status);
        Assert.Equal(2, rig.Hub.ReportedPatches.Count);
        Assert.Equal(50, rig.Client.Settings.BatchSize);
    }

    [Fact]
    public async Task An_unreadable_desired_patch_makes_the_module_fetch_the_whole_twin_and_stay_connected()
    {
        await using var rig = await EdgeRig.StartAsync();
        await rig.Hub!.WaitForAsync("$iothub/twin/PATCH/properties/reported/", 1);
        rig.Hub.Desired["batchSize"] = 64; // what the patch would have said, visible through a twin GET

        await rig.Hub.SendRawDesiredPatchAsync("{not json");
        var reported = (await rig.Hub.WaitForAsync("$iothub/twin/PATCH/properties/reported/", 2))[1].Json;
        Assert.Equal(2, rig.Hub.TwinGets.Count);
        Assert.Equal(64, reported["config"]!["batchSize"]!.GetValue<int>());
        Assert.Equal(2, reported["configStatus"]!["desiredVersion"]!.GetValue<long>());
        Assert.Equal(1, rig.Client.ConnectionCount);
    }

    [Theory]
    [InlineData("{\"rateHz\":5,\"rateHz\":6}")] // TwinPatchFuzzTests seed 20260318 step 119: dropped the connection
    [InlineData("{\"\\udc00\":1}")] // step 31: a lone surrogate, likewise
    [InlineData("{\"stream\":\"\\ud800\"}")]
    [InlineData("{\"stream\":\"\u00FF\"}")] // step 1: the byte 0xFF, never UTF-8, was merged as if readable
    public async Task A_patch_that_is_not_clean_json_text_makes_the_module_fetch_the_twin_and_stay_connected(string body)
    {
        await using var rig = await EdgeRig.StartAsync();
        await rig.Hub!.WaitForAsync("$iothub/twin/PATCH/properties/reported/", 1);
        rig.Hub.Desired["batchSize"] = 64;

        await rig.Hub.SendRawDesiredPatchAsync(System.Text.Encoding.Latin1.GetBytes(body)); // byte for char: \u00FF is 0xFF

        var reported = (await rig.Hub.WaitForAsync("$iothub/twin/PATCH/properties/reported/", 2))[1].Json;
        Assert.Equal(2, rig.Hub.TwinGets.Count);
        Assert.Equal(64, reported["config"]!["batchSize"]!.GetValue<int>());
        Assert.Equal(1, rig.Client.ConnectionCount);
    }

    [Fact]
    public async Task A_property_refused_by_the_parser_is_reported_with_its_own_reason()
    {
        // TwinPatchFuzzTests seed 20260318 step 9: "sensors": 5 was reported with the module's reason for the sensor
        // list refused one patch earlier (the older value the parser had kept in its place).
        await using var rig = await EdgeRig.StartAsync();
        await rig.Hub!.WaitForAsync("$iothub/twin/PATCH/properties/reported/", 1);
        await rig.Hub.SendDesiredPatchAsync(new JsonObject { ["sensors"] = new JsonArray("bad:x") });
        await rig.Hub.WaitForAsync("$iothub/twin/PATCH/properties/reported/", 2);

        await rig.Hub.SendDesiredPatchAsync(new JsonObject { ["sensors"] = 5 });

        var third = (await rig.Hub.WaitForAsync("$iothub/twin/PATCH/properties/reported/", 3))[2].Json;
        Assert.StartsWith("must be an array", third["configStatus"]!["errors"]!["sensors"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_refused_reported_patch_is_logged_not_a_reason_to_reconnect()
    {
        await using var rig = await EdgeRig.StartAsync(startClient: false);
        rig.Hub!.ReportedStatus = 400;
        rig.StartClient();
        await rig.Hub.WaitForAsync("$iothub/twin/PATCH/properties/reported/", 1);
        await Poll.UntilAsync(() => rig.Client.LastReportStatus == 400, "the refusal to reach the client");

        // Still the same connection, still serving.
        var status = await rig.Hub.InvokeMethodAsync(DirectMethods.Status);
        Assert.Equal(200, status.Status);
        Assert.Equal(1, rig.Client.ConnectionCount);
        Assert.Single(rig.Hub.TwinGets);
    }
}
