using SensorStream.Streams.Configuration;

namespace SensorStream.EdgeModule.Configuration;

/// <summary>An invalid or missing setting; the one-line message names it with its flag, environment variable and appsettings key.</summary>
public sealed class SettingsException(SettingDefinition setting, string problem)
    : Exception($"{setting.Describe()}: {OneLine.Of(problem)}")
{
    /// <summary>The same error, from the shared model's reader.</summary>
    public SettingsException(SettingException e) : this(new SettingDefinition(e.Setting), e.Problem)
    {
    }

    public SettingDefinition Setting { get; } = setting;

    public string Problem { get; } = OneLine.Of(problem);
}
