using SensorStream.EdgeModule.Sensors;
using SensorStream.Streams.Configuration;
using SensorStream.Streams.Configuration.Catalogs;

namespace SensorStream.EdgeModule.Configuration;

/// <summary>
/// The collector's settings with their flag, environment variable, appsettings key and default: those of the shared
/// model (<see cref="CollectorSettings"/>) that the command line, environment and appsettings set, and how the few
/// values that are not plain numbers, durations or texts become <see cref="EdgeSettings"/> members.
/// </summary>
public static class SettingsCatalog
{
    public const string EnvPrefix = CollectorSettings.EnvPrefix;

    public static readonly IReadOnlyList<SettingDefinition> All =
        CollectorSettings.Group.All.Where(s => !s.TwinOnly).Select(s => new SettingDefinition(s)).ToArray();

    public static SettingDefinition ByKey(string key) => All.Single(d => d.Key == key);

    /// <summary>Typed model values that an <see cref="EdgeSettings"/> member holds in another shape.</summary>
    public static readonly IReadOnlyDictionary<string, Func<object, object?>> Converters = new Dictionary<string, Func<object, object?>>
    {
        ["Sensors"] = v => ((IReadOnlyList<string>)v).Select(SensorSpec.Parse).ToArray(),
        ["CsvEncoding"] = v => ParseEncoding((string)v),
    };

    private static string ParseEncoding(string v)
    {
        try
        {
            return Import.CsvDialect.Strict(v).WebName;
        }
        catch (ArgumentException e)
        {
            throw new FormatException(e.Message);
        }
    }
}
