namespace SensorStream.IoTEdge.Tests.Infrastructure;

/// <summary>A token file that exists on this machine, standing in for the device's mounted secret while a manifest's settings are loaded.</summary>
public sealed class TemporaryTokenFile : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"manifest-token-{Guid.NewGuid():N}");

    public TemporaryTokenFile() => File.WriteAllText(_path, "manifest-test-token\n");

    /// <summary>A copy of <paramref name="env"/> whose <paramref name="setting"/> names this file.</summary>
    public Dictionary<string, string> Replace(IReadOnlyDictionary<string, string> env, string setting) =>
        new(env) { [setting] = _path };

    public void Dispose() => File.Delete(_path);
}
