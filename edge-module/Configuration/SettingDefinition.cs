namespace SensorStream.EdgeModule.Configuration;

/// <summary>
/// One setting and its three names. <paramref name="Apply"/> parses a raw value into the settings
/// (throwing <see cref="FormatException"/> with the problem); list settings receive every value given.
/// </summary>
public sealed record SettingDefinition(
    string Key,
    string Flag,
    string EnvVar,
    string Default,
    string Description,
    bool IsList,
    Func<EdgeSettings, IReadOnlyList<string>, EdgeSettings> Apply)
{
    /// <summary>The appsettings.json section that holds the collector's keys.</summary>
    public const string Section = "SensorStream";

    public string Describe() => $"setting {Key} ({Flag}, {EnvVar}, appsettings {Section}:{Key})";
}
