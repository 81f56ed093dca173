using System.Reflection;

namespace SensorStream.Cli.Processes;

/// <summary>Where the repository and the built components are (the CLI runs the components from their build output).</summary>
public sealed class RepoLayout(string root, string configuration)
{
    public string Root { get; } = root;

    public string Configuration { get; } = configuration;

    /// <summary>The repository, found as <see cref="FindRoot"/> does, with this CLI's build configuration.</summary>
    /// <exception cref="InvalidOperationException">No repository above the CLI or the working directory (message names both).</exception>
    public static RepoLayout Discover()
    {
        var configuration = typeof(RepoLayout).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        return FindRoot() is { } root ? new RepoLayout(root, configuration)
            : throw new InvalidOperationException("cannot find the SensorStream repository (a folder holding Serverless.sln) above " +
                                                  $"{AppContext.BaseDirectory} or {Environment.CurrentDirectory}");
    }

    /// <summary>
    /// The repository root (the folder holding Serverless.sln): the clone this CLI was built in, else the one around the
    /// working directory (an installed tool run inside a clone); null when neither.
    /// </summary>
    public static string? FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Serverless.sln"))) return dir.FullName;
        }
        return null;
    }

    /// <summary>The built dll of a component, e.g. ("gateway", "SensorStream.Gateway").</summary>
    public string Component(string folder, string assembly)
    {
        var path = Path.Combine(Root, folder, "bin", Configuration, "net10.0", assembly + ".dll");
        if (!File.Exists(path))
            throw new InvalidOperationException($"{assembly}.dll is not built ({path}); run `dotnet build Serverless.sln -c {Configuration}` first");
        return path;
    }

    public string Azurite
    {
        get
        {
            var path = Path.Combine(Root, "node_modules", ".bin", "azurite");
            if (!File.Exists(path)) throw new InvalidOperationException($"Azurite is not installed ({path}); run `npm ci` in {Root} first");
            return path;
        }
    }
}
