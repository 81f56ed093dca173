using SensorStream.Streams.Configuration;
using SensorStream.Streams.Configuration.Catalogs;

namespace SensorStream.EdgeModule.Configuration;

/// <summary>
/// One collector setting as the edge names it: a view of its definition in the shared model
/// (<see cref="CollectorSettings"/>), where its flag, variable, key, bounds, default and help are written once.
/// </summary>
public sealed record SettingDefinition(Setting Model)
{
    /// <summary>The appsettings.json section that holds the collector's keys.</summary>
    public const string Section = CollectorSettings.Section;

    public string Key => Model.Key;
    public string Flag => Model.Flag!;
    public string EnvVar => Model.EnvVar!;
    public string Default => Model.ShownDefault;
    public string Description => Model.Help;
    public bool IsList => Model.Type == SettingType.List;

    /// <summary><c>setting Rate (--rate, SENSORSTREAM_RATE, appsettings SensorStream:Rate)</c>.</summary>
    public string Describe() => Model.Describe();
}
