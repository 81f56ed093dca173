using SensorStream.EdgeModule.IoTEdge;
using SensorStream.IoTEdge.Tests.Infrastructure;

namespace SensorStream.IoTEdge.Tests;

/// <summary>Direct methods and the health message over a real broker.</summary>
public sealed class EdgeHubMethodAndTelemetryTests
{
    [Fact]
    public async Task Status_and_flush_are_answered_on_the_response_topic_with_the_rid()
    {
        await using var rig = await EdgeRig.StartAsync(o => o with { HealthInterval = TimeSpan.FromHours(1) });
        await rig.Hub!.WaitForAsync("$iothub/twin/PATCH/properties/reported/", 1);

        var status = await rig.Hub.InvokeMethodAsync(DirectMethods.Status);
        Assert.Equal("$iothub/methods/res/200/?$rid=3e9", status.Topic);
        Assert.Equal(12345, status.Payload!["samplesTaken"]!.GetValue<long>());
        Assert.True(status.Payload["connection"]!["connected"]!.GetValue<bool>());
        Assert.Equal(0, rig.Host.Flushes);

        var flush = await rig.Hub.InvokeMethodAsync(DirectMethods.Flush, "null");
        Assert.Equal("$iothub/methods/res/200/?$rid=3ea", flush.Topic);
        Assert.True(flush.Payload!["flushed"]!.GetValue<bool>());
        Assert.Equal(1, rig.Host.Flushes);

        var unknown = await rig.Hub.InvokeMethodAsync("reboot");
        Assert.Equal(404, unknown.Status);
        Assert.Equal("unknown method 'reboot'", unknown.Payload!["error"]!.GetValue<string>());
        Assert.Equal(3, rig.Hub.Where("$iothub/methods/res/").Count);
        Assert.Empty(rig.Hub.Telemetry);
    }

    [Fact]
    public async Task Health_messages_go_to_the_module_events_topic_as_utf8_json_on_output_health()
    {
        await using var rig = await EdgeRig.StartAsync();
        var telemetry = await rig.Hub!.WaitForAsync("devices/", 2);

        foreach (var message in telemetry.Take(2))
        {
            Assert.Equal("devices/edge-device-1/modules/sensorcollector/messages/events/$.ct=application%2Fjson&$.ce=utf-8&$.on=health", message.Topic);
            var body = message.Json;
            Assert.Equal("health", body["type"]!.GetValue<string>());
            Assert.Equal(EdgeRig.DeviceId, body["deviceId"]!.GetValue<string>());
            Assert.Equal(EdgeRig.ModuleId, body["moduleId"]!.GetValue<string>());
            Assert.Equal(12345, body["metrics"]!["samplesTaken"]!.GetValue<long>());
            Assert.Equal(1, body["connection"]!["connectionCount"]!.GetValue<int>());
        }
        Assert.True(rig.Client.HealthMessagesSent >= 2);
    }

    [Fact]
    public async Task The_twin_can_change_the_health_interval()
    {
        await using var rig = await EdgeRig.StartAsync(o => o with { HealthInterval = TimeSpan.FromHours(1) }, startClient: false);
        rig.Hub!.Desired["healthIntervalSeconds"] = 15;
        rig.StartClient();
        var reported = (await rig.Hub.WaitForAsync("$iothub/twin/PATCH/properties/reported/", 1))[0].Json;
        Assert.Equal(15, reported["config"]!["healthIntervalSeconds"]!.GetValue<double>());
        Assert.Equal(15, rig.Client.Settings.HealthIntervalSeconds);
    }
}
