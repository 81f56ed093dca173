namespace SensorStream.EdgeModule.Configuration;

/// <summary>An invalid or missing setting; the one-line message names it with its flag, environment variable and appsettings key.</summary>
public sealed class SettingsException(SettingDefinition setting, string problem)
    : Exception($"{setting.Describe()}: {OneLine.Of(problem)}")
{
    public SettingDefinition Setting { get; } = setting;

    public string Problem { get; } = OneLine.Of(problem);
}
