using System.Collections;
using Microsoft.Extensions.Configuration;
using SensorStream.Streams.Configuration;
using SensorStream.Streams.Configuration.Catalogs;

namespace SensorStream.EdgeModule.Configuration;

/// <summary>
/// Builds <see cref="EdgeSettings"/> from, in rising precedence: defaults, appsettings.json (section
/// <c>SensorStream</c>; <c>--config FILE</c> or <c>SENSORSTREAM_CONFIG</c>, else ./appsettings.json, else the one
/// next to the program), <c>SENSORSTREAM_*</c> environment variables, and command-line flags — each a configuration
/// layer read by the shared model's one path (<see cref="SettingsReader"/>, <see cref="SettingsBinder"/>).
/// </summary>
public static class SettingsLoader
{
    public const string ConfigFlag = "--config";
    public const string ConfigEnvVar = SettingsCatalog.EnvPrefix + "CONFIG";

    /// <summary>True when the command line asks for help.</summary>
    public static bool WantsHelp(IReadOnlyList<string> args) => args.Any(a => a is "--help" or "-h" or "-?");

    /// <exception cref="SettingsException">A setting is invalid or missing.</exception>
    /// <exception cref="ArgumentException">An unknown flag, a flag without a value, or a configuration file that is missing or not JSON.</exception>
    public static EdgeSettings Load(IReadOnlyList<string> args, IDictionary environment)
    {
        var group = CollectorSettings.Group;
        var cli = SettingsCommandLine.Parse(group, args, [ConfigFlag]);
        var configFile = cli.Extras.GetValueOrDefault(ConfigFlag) ?? environment[ConfigEnvVar] as string;
        var raw = SettingsReader.Raw(group, [FromJson(configFile), SettingsReader.FromEnvironment(group, environment), SettingsReader.Layer(cli.Values)]);
        var settings = FromRaw(raw.ToDictionary(p => p.Key.Key, p => p.Value));
        SettingsValidation.CheckQueueHoldsOneEvent(settings);
        return settings;
    }

    /// <summary>Applies raw values by appsettings key over <paramref name="baseline"/> (default: the defaults) and validates.</summary>
    public static EdgeSettings FromRaw(IReadOnlyDictionary<string, IReadOnlyList<string>> raw, EdgeSettings? baseline = null)
    {
        try
        {
            var given = CollectorSettings.Group.All.Where(s => raw.TryGetValue(s.Key, out var v) && v.Count > 0).ToDictionary(s => s, s => raw[s.Key]);
            var values = SettingsReader.Parse(given);
            return SettingsBinder.Bind(baseline ?? new EdgeSettings(), values, CollectorSettings.Group, SettingsCatalog.Converters).Validate();
        }
        catch (SettingException e)
        {
            throw new SettingsException(e);
        }
    }

    private static IConfiguration FromJson(string? explicitFile)
    {
        var file = explicitFile ?? new[] { Path.Combine(Environment.CurrentDirectory, "appsettings.json"), Path.Combine(AppContext.BaseDirectory, "appsettings.json") }
            .FirstOrDefault(File.Exists);
        if (file is null) return SettingsReader.Layer([]);
        if (!File.Exists(file)) throw new ArgumentException($"configuration file {OneLine.Of(file)} does not exist");
        try
        {
            return new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(file), optional: false).Build();
        }
        catch (InvalidDataException e)
        {
            // Malformed JSON: one line naming the file and where it breaks, not a stack trace from the host builder.
            throw new ArgumentException($"configuration file {OneLine.Of(file)} is not a valid JSON object: {OneLine.Of(e.InnerException?.Message ?? e.Message)}", e);
        }
    }
}
