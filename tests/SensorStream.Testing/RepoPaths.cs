using System.Reflection;

namespace SensorStream.Testing;

/// <summary>Paths inside the repository checkout that tests run from.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The directory that holds <c>Serverless.sln</c>.</summary>
    public static string Root => RootPath.Value;

    /// <summary>The build configuration this assembly was built with (Debug/Release): the gateway is built with the same one.</summary>
    public static string Configuration =>
        typeof(RepoPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration is { Length: > 0 } c ? c : "Debug";

    /// <summary>
    /// <c>gateway/bin/&lt;Configuration&gt;/net10.0/SensorStream.Gateway.dll</c>; falls back to the other configuration
    /// when only that one was built. Throws with the paths tried when neither exists.
    /// </summary>
    public static string GatewayDll
    {
        get
        {
            string[] configurations = Configuration == "Release" ? ["Release", "Debug"] : ["Debug", "Release"];
            var candidates = configurations
                .Select(c => Path.Combine(Root, "gateway", "bin", c, "net10.0", "SensorStream.Gateway.dll"))
                .ToList();
            return candidates.FirstOrDefault(File.Exists)
                   ?? throw new FileNotFoundException(
                       "The gateway is not built; run `dotnet build gateway`. Looked for: " + string.Join(", ", candidates));
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Serverless.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"No Serverless.sln above {AppContext.BaseDirectory}");
    }
}
