using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.EdgeModule;
using SensorStream.EdgeModule.Configuration;
using SensorStream.EdgeModule.IoTEdge;
using SensorStream.EdgeModule.IoTEdge.Hosting;
using SensorStream.IoTEdge.Tests.Infrastructure;
using GatewaySettingsCatalog = SensorStream.Gateway.Hosting.SettingsCatalog;

namespace SensorStream.IoTEdge.Tests;

/// <summary>
/// The IoT Edge deployment manifest (template and rendered example) against what the code reads: the
/// collector's and gateway's environment variables, the twin properties the client accepts, the health output.
/// </summary>
public sealed class DeploymentManifestTests
{
    private static JsonObject Load(string file) =>
        JsonNode.Parse(File.ReadAllText(RepoPaths.Path("infra", "edge", file)))!["modulesContent"]!.AsObject();

    public static TheoryData<string> Manifests => new() { "deployment.template.json", "deployment.json" };

    private static JsonObject Agent(JsonObject content) => content["$edgeAgent"]!["properties.desired"]!.AsObject();

    private static JsonObject Module(JsonObject content, string name) => Agent(content)["modules"]![name]!.AsObject();

    /// <summary>createOptions as an object, whether the file holds it as an object (template) or a string (rendered).</summary>
    private static JsonObject CreateOptions(JsonObject module)
    {
        var node = module["settings"]!["createOptions"]!;
        return node is JsonObject o ? o : JsonNode.Parse(node.GetValue<string>())!.AsObject();
    }

    private static Dictionary<string, string> Env(JsonObject module) =>
        module["env"]?.AsObject().ToDictionary(e => e.Key, e => e.Value!["value"]!.GetValue<string>()) ?? [];

    private static List<string[]> Binds(JsonObject module) =>
        CreateOptions(module)["HostConfig"]!["Binds"]!.AsArray().Select(b => b!.GetValue<string>().Split(':')).ToList();

    /// <summary>The module's token-file setting points at a read-only bind of a host file; returns that host file.</summary>
    private static string TokenBind(JsonObject module, string setting)
    {
        var path = Env(module)[setting];
        var bind = Assert.Single(Binds(module), b => b[1] == path);
        Assert.Equal(["ro"], bind[2..]);
        Assert.StartsWith("/", bind[0]);
        return bind[0];
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Agent_runs_edgeAgent_edgeHub_and_both_modules(string file)
    {
        var content = Load(file);
        var agent = Agent(content);
        Assert.Equal("1.1", agent["schemaVersion"]!.GetValue<string>());
        Assert.Equal("docker", agent["runtime"]!["type"]!.GetValue<string>());
        Assert.Equal("mcr.microsoft.com/azureiotedge-agent:1.5", agent["systemModules"]!["edgeAgent"]!["settings"]!["image"]!.GetValue<string>());
        Assert.Equal("mcr.microsoft.com/azureiotedge-hub:1.5", agent["systemModules"]!["edgeHub"]!["settings"]!["image"]!.GetValue<string>());
        Assert.Equal(["gateway", "sensorcollector"], agent["modules"]!.AsObject().Select(m => m.Key).Order());
        // The collector (host network) reaches edgeHub on the host's 8883.
        Assert.NotNull(CreateOptions(agent["systemModules"]!["edgeHub"]!.AsObject())["HostConfig"]!["PortBindings"]!["8883/tcp"]);
        foreach (var (_, module) in agent["modules"]!.AsObject())
            Assert.Equal(("docker", "running", "always"), (module!["type"]!.GetValue<string>(), module["status"]!.GetValue<string>(), module["restartPolicy"]!.GetValue<string>()));
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Collector_has_the_i2c_device_host_network_a_queue_volume_and_a_valid_configuration(string file)
    {
        var content = Load(file);
        var collector = Module(content, "sensorcollector");
        var options = CreateOptions(collector);
        var hostConfig = options["HostConfig"]!;
        Assert.Equal("host", hostConfig["NetworkMode"]!.GetValue<string>());
        Assert.NotNull(options["NetworkingConfig"]!["EndpointsConfig"]!["host"]);
        var device = Assert.Single(hostConfig["Devices"]!.AsArray())!;
        Assert.Equal(("/dev/i2c-1", "/dev/i2c-1"), (device["PathOnHost"]!.GetValue<string>(), device["PathInContainer"]!.GetValue<string>()));

        var env = Env(collector);
        var known = SettingsCatalog.All.Select(s => s.EnvVar).ToHashSet();
        Assert.All(env.Keys, name => Assert.Contains(name, known));
        // The SQLite queue file is inside the mounted volume.
        var binds = Binds(collector);
        Assert.Contains(binds, b => env["SENSORSTREAM_DB"].StartsWith(b[1] + "/", StringComparison.Ordinal));
        // The gateway's token comes from the same host file, mounted read-only, never from the manifest itself.
        Assert.Equal(TokenBind(Module(content, "gateway"), "GATEWAY_AUTH_TOKEN_FILE"), TokenBind(collector, "SENSORSTREAM_GATEWAY_TOKEN_FILE"));

        // The environment is a configuration the collector accepts as it is (with a token file that exists here).
        using var token = new TemporaryTokenFile();
        var settings = SettingsLoader.Load([], new Hashtable(token.Replace(env, "SENSORSTREAM_GATEWAY_TOKEN_FILE")));
        Assert.Equal("127.0.0.1", settings.Gateway!.Host); // host network: the gateway's port published on loopback
        var gatewayPort = Module(content, "gateway");
        var binding = CreateOptions(gatewayPort)["HostConfig"]!["PortBindings"]!.AsObject().Single();
        Assert.Equal(settings.Gateway.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), binding.Value![0]!["HostPort"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Gateway_keeps_its_data_in_a_host_directory_and_reads_only_settings_it_knows(string file)
    {
        var gateway = Module(Load(file), "gateway");
        var env = Env(gateway);
        var known = GatewaySettingsCatalog.All.Select(s => s.EnvVar).ToHashSet();
        Assert.All(env.Keys, name => Assert.Contains(name, known));
        var bind = Assert.Single(Binds(gateway), b => b[1] == env["GATEWAY_DATA_DIR"]);
        Assert.StartsWith("/", bind[0]); // a host path, not a named volume
        TokenBind(gateway, "GATEWAY_AUTH_TOKEN_FILE");
        Assert.EndsWith(":5005", env["GATEWAY_URLS"]);
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public async Task Collector_twin_sets_every_property_the_client_accepts_with_valid_values(string file)
    {
        var content = Load(file);
        var desired = content["sensorcollector"]!["properties.desired"]!.AsObject();
        using var doc = JsonDocument.Parse(desired.ToJsonString());
        var (settings, errors) = DesiredSettingsParser.Parse(doc.RootElement);
        Assert.Empty(errors);
        var names = desired.SelectMany(p => p.Value is JsonObject o ? o.Select(c => $"{p.Key}/{c.Key}") : [p.Key]).Order();
        Assert.Equal(DesiredSettingsParser.KnownProperties.Order(), names);

        // And the collector configured from the manifest's environment takes them without complaint.
        var dir = Directory.CreateTempSubdirectory("manifest-");
        try
        {
            var env = Env(Module(content, "sensorcollector"));
            env["SENSORSTREAM_DB"] = Path.Combine(dir.FullName, "q.db");
            using var token = new TemporaryTokenFile();
            await using var collector = new Collector(SettingsLoader.Load([], new Hashtable(token.Replace(env, "SENSORSTREAM_GATEWAY_TOKEN_FILE"))),
                NullLoggerFactory.Instance);
            var result = await new CollectorModuleHost(collector, TimeSpan.FromSeconds(1)).ApplyAsync(settings, CancellationToken.None);
            Assert.Empty(result.Errors);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public void EdgeHub_routes_the_health_output_upstream_and_stores_and_forwards(string file)
    {
        var hub = Load(file)["$edgeHub"]!["properties.desired"]!;
        Assert.Equal("1.1", hub["schemaVersion"]!.GetValue<string>());
        var routes = hub["routes"]!.AsObject().Select(r => r.Value!["route"]!.GetValue<string>()).ToList();
        Assert.Equal([$"FROM /messages/modules/sensorcollector/outputs/{HealthMessage.OutputName} INTO $upstream"], routes);
        Assert.True(hub["storeAndForwardConfiguration"]!["timeToLiveSecs"]!.GetValue<int>() >= 3600);
    }

    [Fact]
    public void Rendered_example_holds_create_options_as_strings_of_at_most_512_chars_equal_to_the_template()
    {
        var template = Agent(Load("deployment.template.json"));
        var rendered = Agent(Load("deployment.json"));
        foreach (var section in new[] { "systemModules", "modules" })
            foreach (var (name, module) in rendered[section]!.AsObject())
            {
                var text = module!["settings"]!["createOptions"]!.GetValue<string>();
                Assert.True(text.Length <= 512, $"{name} createOptions is {text.Length} chars");
                Assert.True(JsonNode.DeepEquals(template[section]![name]!["settings"]!["createOptions"], JsonNode.Parse(text)), $"{name} createOptions differ");
                Assert.DoesNotContain("$", module["settings"]!["image"]!.GetValue<string>());
                Assert.True(JsonNode.DeepEquals(template[section]![name]!["env"], module["env"]), $"{name} env differs");
            }
        Assert.Equal(
            Load("deployment.template.json")["sensorcollector"]!.ToJsonString(),
            Load("deployment.json")["sensorcollector"]!.ToJsonString());
    }
}
