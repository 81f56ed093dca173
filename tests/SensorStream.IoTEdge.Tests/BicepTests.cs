using System.Text.Json.Nodes;
using SensorStream.IoTEdge.Tests.Infrastructure;
using SensorStream.Streams.BlobStreams;
using SensorStream.Streams.Exporting;

namespace SensorStream.IoTEdge.Tests;

/// <summary>
/// infra/ compiles and lints clean with the Bicep CLI (every linter rule raised to error in bicepconfig.json),
/// and the ARM it produces has what the cloud code needs, with no keys.
/// </summary>
public sealed class BicepTests
{
    private static readonly Lazy<Task<JsonObject>> Compiled = new(CompileAsync);

    private static async Task<JsonObject> CompileAsync()
    {
        var dir = Directory.CreateTempSubdirectory("bicep-");
        try
        {
            var outFile = Path.Combine(dir.FullName, "main.json");
            var (code, output) = await BicepCli.RunAsync("build", "infra/main.bicep", "--outfile", outFile);
            Assert.True(code == 0, $"bicep build failed ({code}):\n{output}");
            Assert.True(output.Length == 0, $"bicep build printed diagnostics:\n{output}");
            return JsonNode.Parse(await File.ReadAllTextAsync(outFile))!.AsObject();
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Every resource in the template and its nested module deployments (both ARM resource layouts).</summary>
    private static IEnumerable<JsonObject> Resources(JsonObject template)
    {
        var resources = template["resources"] switch
        {
            JsonArray array => array.Select(r => r!.AsObject()),
            JsonObject map => map.Select(r => r.Value!.AsObject()),
            _ => [],
        };
        foreach (var resource in resources)
        {
            yield return resource;
            if (resource["type"]!.GetValue<string>() == "Microsoft.Resources/deployments")
                foreach (var nested in Resources(resource["properties"]!["template"]!.AsObject()))
                    yield return nested;
        }
    }

    private static async Task<List<JsonObject>> OfTypeAsync(string type) =>
        Resources(await Compiled.Value).Where(r => r["type"]!.GetValue<string>() == type && r["existing"] is null).ToList();

    [Fact]
    public async Task Every_bicep_file_lints_clean_with_rules_raised_to_error()
    {
        var config = JsonNode.Parse(File.ReadAllText(RepoPaths.Path("infra", "bicepconfig.json")))!;
        var rules = config["analyzers"]!["core"]!["rules"]!.AsObject();
        Assert.True(rules.Count >= 30);
        Assert.All(rules, r => Assert.Equal("error", r.Value!["level"]!.GetValue<string>()));

        // Linting main.bicep lints every module it uses (a module's diagnostics fail main): so every file must be used.
        var (code, output) = await BicepCli.RunAsync("lint", "infra/main.bicep");
        Assert.True(code == 0 && output.Length == 0, $"bicep lint infra/main.bicep ({code}):\n{output}");
        var files = Directory.GetFiles(RepoPaths.Path("infra"), "*.bicep", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepoPaths.Path("infra"), f)).ToList();
        var sources = string.Concat(files.Select(f => File.ReadAllText(RepoPaths.Path("infra", f))));
        Assert.All(files.Where(f => f != "main.bicep"), f => Assert.Contains($"'{f}'", sources));
    }

    [Fact]
    public async Task Storage_has_no_shared_key_access_and_the_containers_the_code_uses()
    {
        var account = Assert.Single(await OfTypeAsync("Microsoft.Storage/storageAccounts"));
        var properties = account["properties"]!;
        Assert.False(properties["allowSharedKeyAccess"]!.GetValue<bool>());
        Assert.False(properties["allowBlobPublicAccess"]!.GetValue<bool>());
        Assert.Equal("TLS1_2", properties["minimumTlsVersion"]!.GetValue<string>());

        var main = File.ReadAllText(RepoPaths.Path("infra", "main.bicep"));
        foreach (var container in new[] { BlobStreamLayout.Container, ExportLayout.Container, ExportLayout.CheckpointContainer, "deadletter" })
            Assert.Contains($"'{container}'", main);
        Assert.Single(await OfTypeAsync("Microsoft.Storage/storageAccounts/blobServices/containers")); // one copy loop
    }

    [Fact]
    public async Task Function_app_is_flex_consumption_dotnet_isolated_10_with_identity_based_storage()
    {
        var plan = Assert.Single(await OfTypeAsync("Microsoft.Web/serverfarms"));
        Assert.Equal(("FC1", "FlexConsumption"), (plan["sku"]!["name"]!.GetValue<string>(), plan["sku"]!["tier"]!.GetValue<string>()));

        var site = Assert.Single(await OfTypeAsync("Microsoft.Web/sites"));
        Assert.Equal("UserAssigned", site["identity"]!["type"]!.GetValue<string>());
        var config = site["properties"]!["functionAppConfig"]!;
        Assert.Equal(("dotnet-isolated", "10.0"), (config["runtime"]!["name"]!.GetValue<string>(), config["runtime"]!["version"]!.GetValue<string>()));
        Assert.Equal("UserAssignedIdentity", config["deployment"]!["storage"]!["authentication"]!["type"]!.GetValue<string>());

        var settingsText = Assert.Single(await OfTypeAsync("Microsoft.Web/sites/config"))["properties"]!.ToJsonString();
        foreach (var name in new[] { "credential", "clientId", "blobServiceUri", "queueServiceUri", "tableServiceUri" })
            Assert.Contains($"AzureWebJobsStorage__{name}", settingsText);
        // Flex Consumption refuses these; a connection string would be a key.
        foreach (var forbidden in new[] { "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_CONTENT", "\"AzureWebJobsStorage\"", "AccountKey" })
            Assert.DoesNotContain(forbidden, settingsText);

        // The app settings are the ones the Functions code reads.
        var main = File.ReadAllText(RepoPaths.Path("infra", "main.bicep"));
        var cloudSettings = File.ReadAllText(RepoPaths.Path("streams", "Configuration", "Catalogs", "CloudHostSettings.cs")); // the settings model
        foreach (var name in new[] { "GATEWAY_ENDPOINT", "MIRROR_STREAMS", "MIRROR_SCHEDULE", "EXPORT_SCHEDULE", "EXPORT_FORMATS" })
        {
            Assert.Contains($"{name}: ", main);
            Assert.Contains($"\"{name}\"", cloudSettings);
        }
        Assert.Contains("\"AzureWebJobsStorage__clientId\"", cloudSettings);
    }

    [Fact]
    public async Task Identity_gets_the_storage_roles_durable_needs_and_nothing_uses_keys()
    {
        // Storage (app identity), storage (operator, optional), Application Insights, IoT Hub (operator, optional).
        Assert.Equal(4, (await OfTypeAsync("Microsoft.Authorization/roleAssignments")).Count);
        var armText = (await Compiled.Value).ToJsonString();
        foreach (var roleId in new[]
                 {
                     "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", // Storage Blob Data Owner
                     "974c5e8b-45b9-4653-ba55-5f855dd0fb88", // Storage Queue Data Contributor (Durable Task queues)
                     "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", // Storage Table Data Contributor (Durable Task history)
                     "3913510d-42f4-4e42-8a64-420c390055eb", // Monitoring Metrics Publisher (keyless telemetry)
                 })
            Assert.Contains(roleId, armText);

        var arm = (await Compiled.Value).ToJsonString();
        Assert.DoesNotContain("listKeys", arm);
        Assert.DoesNotContain("listConnectionStrings", arm);
        var insights = Assert.Single(await OfTypeAsync("Microsoft.Insights/components"));
        Assert.True(insights["properties"]!["DisableLocalAuth"]!.GetValue<bool>());
        Assert.Single(await OfTypeAsync("Microsoft.OperationalInsights/workspaces"));
    }

    [Fact]
    public async Task Iot_hub_is_standard_tier_without_hub_level_keys()
    {
        var hub = Assert.Single(await OfTypeAsync("Microsoft.Devices/IotHubs"));
        Assert.True(hub["properties"]!["disableLocalAuth"]!.GetValue<bool>());
        var main = File.ReadAllText(RepoPaths.Path("infra", "main.bicep"));
        Assert.Contains("param iotHubSku string = 'S1'", main);
    }
}
