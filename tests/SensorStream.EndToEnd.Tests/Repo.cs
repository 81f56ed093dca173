using SensorStream.Testing;

namespace SensorStream.EndToEnd.Tests;

/// <summary>Build output of the components, in the configuration these tests were built with (root and configuration from <see cref="RepoPaths"/>).</summary>
public static class Repo
{
    public static string Dll(string folder, string assembly) =>
        Path.Combine(RepoPaths.Root, folder, "bin", RepoPaths.Configuration, "net10.0", assembly + ".dll");
}
