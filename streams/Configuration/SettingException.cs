namespace SensorStream.Streams.Configuration;

/// <summary>
/// A setting's value is invalid or missing. <see cref="Exception.Message"/> is one line: the setting by every name
/// (<see cref="Setting.Describe"/>) and the problem, with line breaks and control characters in the quoted value escaped.
/// </summary>
public sealed class SettingException(Setting setting, string problem) : Exception($"{setting.Describe()}: {OneLine.Of(problem)}")
{
    public Setting Setting { get; } = setting;

    /// <summary>The problem alone (<c>must be between 1 and 20000 Hz, got 0</c>), on one line.</summary>
    public string Problem { get; } = OneLine.Of(problem);
}
