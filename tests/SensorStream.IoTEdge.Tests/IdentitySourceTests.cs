using SensorStream.EdgeModule.IoTEdge;

namespace SensorStream.IoTEdge.Tests;

public sealed class IdentitySourceTests
{
    // Obviously fake key: base64 of "not-a-real-key-not-a-real-key!!!".
    private const string FakeKey = "bm90LWEtcmVhbC1rZXktbm90LWEtcmVhbC1rZXkhISE=";

    [Fact]
    public void Connection_string_parses_with_and_without_a_gateway()
    {
        var parsed = ModuleConnectionString.Parse($"HostName=hub.azure-devices.net;DeviceId=dev1;ModuleId=collector;SharedAccessKey={FakeKey}");
        Assert.Equal(new ModuleIdentity("hub.azure-devices.net", "dev1", "collector"), parsed.Identity);
        Assert.Equal(FakeKey, parsed.SharedAccessKey);

        var viaGateway = ModuleConnectionString.Parse($"HostName=hub.azure-devices.net;DeviceId=dev1;ModuleId=collector;SharedAccessKey={FakeKey};GatewayHostName=edge.local");
        Assert.Equal("edge.local", viaGateway.Identity.ConnectHost);
        Assert.DoesNotContain(FakeKey, viaGateway.ToString());
    }

    [Theory]
    [InlineData("HostName=h;DeviceId=d;SharedAccessKey=" + FakeKey, "ModuleId")]
    [InlineData("HostName=h;DeviceId=d;ModuleId=m", "SharedAccessKey")]
    [InlineData("HostName=h;DeviceId=d;ModuleId=m;SharedAccessKey=***", "not base64")]
    public void Bad_connection_strings_say_what_is_missing_without_echoing_the_key(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => ModuleConnectionString.Parse(text));
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain(FakeKey, error.Message);
    }

    [Fact]
    public void Runtime_variables_give_a_workload_signed_identity_through_the_gateway()
    {
        var env = new Dictionary<string, string?>
        {
            ["IOTEDGE_IOTHUBHOSTNAME"] = "hub.azure-devices.net",
            ["IOTEDGE_GATEWAYHOSTNAME"] = "my-edge-device",
            ["IOTEDGE_DEVICEID"] = "dev1",
            ["IOTEDGE_MODULEID"] = "sensorcollector",
            ["IOTEDGE_MODULEGENERATIONID"] = "637000000000000000",
            ["IOTEDGE_WORKLOADURI"] = "unix:///var/run/iotedge/workload.sock",
            ["IOTEDGE_APIVERSION"] = "2019-01-30",
        };
        var disposables = new List<IDisposable>();
        var options = EdgeEnvironment.CreateOptions(k => env.GetValueOrDefault(k), disposables);

        Assert.NotNull(options);
        Assert.Equal(new ModuleIdentity("hub.azure-devices.net", "dev1", "sensorcollector", "my-edge-device"), options.Identity);
        Assert.IsType<WorkloadApiClient>(options.Signer);
        Assert.NotNull(options.TrustRoots);
        Assert.True(options.UseTls);
        Assert.Equal(8883, options.Port);
        Assert.Single(disposables);
        foreach (var d in disposables) d.Dispose();
    }

    [Fact]
    public void Connection_string_wins_and_nothing_means_no_client()
    {
        var env = new Dictionary<string, string?>
        {
            ["IOTEDGE_DEVICEID"] = "ignored",
            ["EdgeHubConnectionString"] = $"HostName=hub.azure-devices.net;DeviceId=dev1;ModuleId=m1;SharedAccessKey={FakeKey}",
        };
        var options = EdgeEnvironment.CreateOptions(k => env.GetValueOrDefault(k), []);
        Assert.Equal("dev1", options!.Identity.DeviceId);
        Assert.IsType<SharedKeySigner>(options.Signer);
        Assert.Null(options.TrustRoots);

        Assert.False(EdgeEnvironment.IsPresent(_ => null));
        Assert.Null(EdgeEnvironment.CreateOptions(k => k == "IOTEDGE_DEVICEID" ? "only-one" : null, []));
    }
}
