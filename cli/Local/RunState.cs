using System.Text.Json;

namespace SensorStream.Cli.Local;

/// <summary>
/// What a running local pipeline publishes in its data folder (<c>run.json</c>) so that `status`, `tail`,
/// `export get` and `verify` find its endpoints without flags.
/// </summary>
public sealed record RunState(string Gateway, string StorageConnectionString, string Stream, int MetricsPort, int ProcessId)
{
    public const string FileName = "run.json";

    public void Save(string dataDir) =>
        File.WriteAllText(Path.Combine(dataDir, FileName), JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true }));

    public static RunState? Load(string dataDir)
    {
        var path = Path.Combine(dataDir, FileName);
        return File.Exists(path) ? JsonSerializer.Deserialize<RunState>(File.ReadAllText(path)) : null;
    }
}
