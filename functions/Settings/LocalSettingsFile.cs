using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace SensorStream.Functions.Settings;

/// <summary>
/// Reads the "Values" of <c>local.settings.json</c> (the file <c>func start</c> reads) for the local host, so that both
/// hosts take the same settings. Looked up next to the assembly (the build links the repository's one copy there),
/// then in the working directory. Environment variables still win: the source goes first.
/// </summary>
public static class LocalSettingsFile
{
    public const string FileName = "local.settings.json";

    public static string? Find() =>
        new[] { AppContext.BaseDirectory, Environment.CurrentDirectory }
            .Select(d => Path.Combine(d, FileName))
            .FirstOrDefault(File.Exists);

    public static IReadOnlyDictionary<string, string?> ReadValues(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (!doc.RootElement.TryGetProperty("Values", out var values) || values.ValueKind != JsonValueKind.Object) return new Dictionary<string, string?>();
        return values.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText());
    }

    /// <summary>Adds the file's values with the lowest precedence (environment and command line override them).</summary>
    public static void AddAsLowestPrecedence(IConfigurationBuilder config)
    {
        if (Find() is not { } path) return;
        var source = new ConfigurationBuilder().AddInMemoryCollection(ReadValues(path)).Sources[0];
        config.Sources.Insert(0, source);
    }
}
