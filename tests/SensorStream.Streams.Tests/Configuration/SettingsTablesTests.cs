using SensorStream.Streams.Configuration;
using SensorStream.Streams.Configuration.Catalogs;

namespace SensorStream.Streams.Tests.Configuration;

/// <summary>
/// Every README settings table equals the one generated from the shared model. To regenerate them after changing a
/// definition: <c>SENSORSTREAM_UPDATE_SETTINGS_TABLES=1 dotnet test tests/SensorStream.Streams.Tests --filter SettingsTables</c>.
/// </summary>
public sealed class SettingsTablesTests
{
    /// <summary>Each group and the README that holds its table.</summary>
    public static TheoryData<string, string> Tables => new()
    {
        { CollectorSettings.Group.Name, "edge-module/README.md" },
        { GatewayServerSettings.Group.Name, "gateway/README.md" },
        { CloudHostSettings.Group.Name, "functions/README.md" },
        { CliSettings.Group.Name, "cli/README.md" },
    };

    private static readonly IReadOnlyDictionary<string, SettingsGroup> Groups = new[] { CollectorSettings.Group, GatewayServerSettings.Group, CloudHostSettings.Group, CliSettings.Group }.ToDictionary(g => g.Name);

    [Theory]
    [MemberData(nameof(Tables))]
    public void The_readme_table_equals_the_model(string group, string readme)
    {
        var path = Path.Combine(Root(), readme);
        var text = File.ReadAllText(path);
        if (Environment.GetEnvironmentVariable("SENSORSTREAM_UPDATE_SETTINGS_TABLES") == "1")
            File.WriteAllText(path, text = SettingsDocs.ReplaceTable(text, Groups[group]));
        var current = SettingsDocs.CurrentTable(text, Groups[group]);
        Assert.True(current is not null, $"{readme} has no {SettingsDocs.Markers(Groups[group]).Begin} … {SettingsDocs.Markers(Groups[group]).End}");
        Assert.True(current == SettingsDocs.Markdown(Groups[group]),
            $"{readme}: the {group} settings table differs from the model; regenerate it with SENSORSTREAM_UPDATE_SETTINGS_TABLES=1 dotnet test tests/SensorStream.Streams.Tests --filter SettingsTables");
    }

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Serverless.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Serverless.sln not found above " + AppContext.BaseDirectory);
    }
}
