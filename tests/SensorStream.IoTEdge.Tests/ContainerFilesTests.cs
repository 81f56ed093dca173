using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using SensorStream.IoTEdge.Tests.Infrastructure;

namespace SensorStream.IoTEdge.Tests;

/// <summary>
/// Docker is not available here, so the Dockerfiles are checked by reading: they build the right project from the
/// repository root, for the target architecture, run the dll that project really produces, as a non-root user.
/// </summary>
public sealed partial class ContainerFilesTests
{
    public static TheoryData<string, string, string, Type> Modules => new()
    {
        { "edge-module", "SensorStream.EdgeModule.csproj", "mcr.microsoft.com/dotnet/runtime:10.0", typeof(SensorStream.EdgeModule.Collector) },
        { "gateway", "SensorStream.Gateway.csproj", "mcr.microsoft.com/dotnet/aspnet:10.0", typeof(SensorStream.Gateway.Hosting.SettingsCatalog) },
    };

    [Theory]
    [MemberData(nameof(Modules))]
    public void Dockerfile_cross_publishes_the_project_and_runs_its_dll_as_non_root(string folder, string project, string runtimeImage, Type entryType)
    {
        var dockerfile = File.ReadAllText(RepoPaths.Path(folder, "Dockerfile"));
        var lines = dockerfile.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

        // Two stages: the SDK on the build platform, the runtime for the target.
        var froms = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, froms.Count);
        Assert.Equal("FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0 AS build", froms[0]);
        Assert.StartsWith($"FROM {runtimeImage} ", froms[1]);
        Assert.Contains("ARG TARGETARCH", lines);
        Assert.Contains($"RUN dotnet restore {folder}/{project} -a $TARGETARCH", lines);
        Assert.Contains($"RUN dotnet publish {folder}/{project} -c Release -a $TARGETARCH", dockerfile);

        // Every COPY from the build context names something that exists at the repository root.
        foreach (var copy in lines.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from=", StringComparison.Ordinal)))
        {
            var parts = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1];
            Assert.All(parts, p => Assert.True(File.Exists(RepoPaths.Path(p)) || Directory.Exists(RepoPaths.Path(p)), $"{folder}/Dockerfile copies missing '{p}'"));
        }

        // The entry point is the dll the project builds (checked against the built assembly and the csproj).
        var entry = EntryPoint().Match(dockerfile);
        Assert.True(entry.Success, "no ENTRYPOINT [\"dotnet\", \"<name>.dll\"]");
        var dll = entry.Groups[1].Value;
        Assert.Equal(Path.GetFileName(entryType.Assembly.Location), dll);
        var assemblyName = XDocument.Load(RepoPaths.Path(folder, project)).Descendants("AssemblyName").Single().Value;
        Assert.Equal(assemblyName + ".dll", dll);
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(entryType.Assembly.Location)!, dll)));

        // Non-root: the last USER is the .NET images' app user, set after everything that needs root.
        Assert.Equal("USER $APP_UID", lines.Last(l => l.StartsWith("USER ", StringComparison.Ordinal)));
        Assert.True(lines.FindLastIndex(l => l.StartsWith("USER ", StringComparison.Ordinal)) > lines.FindLastIndex(l => l.StartsWith("COPY ", StringComparison.Ordinal)));

        // Host build output never reaches the image (BuildKit's per-Dockerfile ignore file).
        var ignore = File.ReadAllLines(RepoPaths.Path(folder, "Dockerfile.dockerignore"));
        Assert.Contains("**/bin/", ignore);
        Assert.Contains("**/obj/", ignore);
    }

    [Theory]
    [InlineData("edge-module", "sensorcollector")]
    [InlineData("gateway", "gateway")]
    public void Module_json_builds_both_architectures_from_the_repository_root(string folder, string moduleName)
    {
        var module = JsonNode.Parse(File.ReadAllText(RepoPaths.Path(folder, "module.json")))!;
        Assert.Equal("0.0.1", module["$schema-version"]!.GetValue<string>());
        var image = module["image"]!;
        Assert.Equal($"${{CONTAINER_REGISTRY}}/{moduleName}", image["repository"]!.GetValue<string>());
        Assert.Matches(@"^\d+\.\d+\.\d+$", image["tag"]!["version"]!.GetValue<string>());
        var platforms = image["tag"]!["platforms"]!.AsObject();
        Assert.Equal(["amd64", "arm64v8"], platforms.Select(p => p.Key).Order());
        Assert.All(platforms, p => Assert.True(File.Exists(Path.Combine(RepoPaths.Path(folder), p.Value!.GetValue<string>()))));
        var context = Path.GetFullPath(Path.Combine(RepoPaths.Path(folder), image["contextPath"]!.GetValue<string>()));
        Assert.Equal(Path.GetFullPath(RepoPaths.Root).TrimEnd('/'), context.TrimEnd('/'));

        // The manifest deploys the module under the same name the image is built as.
        var manifest = JsonNode.Parse(File.ReadAllText(RepoPaths.Path("infra", "edge", "deployment.template.json")))!;
        Assert.Equal($"${{MODULES.{moduleName}}}", manifest["modulesContent"]!["$edgeAgent"]!["properties.desired"]!["modules"]![moduleName]!["settings"]!["image"]!.GetValue<string>());
    }

    [GeneratedRegex("""ENTRYPOINT \["dotnet", "([^"]+\.dll)"\]""")]
    private static partial Regex EntryPoint();
}
