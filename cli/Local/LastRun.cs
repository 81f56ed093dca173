using System.Text.Json;

namespace SensorStream.Cli.Local;

/// <summary>
/// What the latest `sensorstream run` in a data folder was (<c>last-run.json</c>, kept after the run ends): its stream,
/// sensors, start and end (UTC, null while running or after a crash) and whether the gateway used TLS. Follow-up verbs
/// use it after the run has ended: to start the folder's gateway/Azurite the same way, and as the default plot window.
/// </summary>
public sealed record LastRun(string Stream, IReadOnlyList<string> Sensors, DateTimeOffset Started, DateTimeOffset? Ended, bool Secure)
{
    public const string FileName = "last-run.json";

    public void Save(string dataDir) => AtomicFile.Write(Path.Combine(dataDir, FileName), JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true }));

    /// <summary>The record in <paramref name="dataDir"/>, or null when there is none (or it cannot be read).</summary>
    public static LastRun? Load(string dataDir)
    {
        var path = Path.Combine(dataDir, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<LastRun>(File.ReadAllText(path));
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
