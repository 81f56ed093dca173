using System.Reflection;

namespace SensorStream.EndToEnd.Tests;

/// <summary>The repository root and the build output of its components (same configuration as this test assembly).</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Configuration { get; } =
        typeof(Repo).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public static string Dll(string folder, string assembly) => Path.Combine(Root, folder, "bin", Configuration, "net10.0", assembly + ".dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Serverless.sln"))) return dir.FullName;
        throw new InvalidOperationException("no Serverless.sln above " + AppContext.BaseDirectory);
    }
}
