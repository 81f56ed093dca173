using System.Collections;
using Microsoft.Extensions.Configuration;

namespace SensorStream.EdgeModule.Configuration;

/// <summary>
/// Builds <see cref="EdgeSettings"/> from, in rising precedence: defaults, appsettings.json (section
/// <c>SensorStream</c>; <c>--config FILE</c> or <c>SENSORSTREAM_CONFIG</c>, else ./appsettings.json, else the one
/// next to the program), <c>SENSORSTREAM_*</c> environment variables, and command-line flags.
/// </summary>
public static class SettingsLoader
{
    public const string ConfigFlag = "--config";
    public const string ConfigEnvVar = SettingsCatalog.EnvPrefix + "CONFIG";

    /// <summary>True when the command line asks for help.</summary>
    public static bool WantsHelp(IReadOnlyList<string> args) => args.Any(a => a is "--help" or "-h" or "-?");

    public static EdgeSettings Load(IReadOnlyList<string> args, IDictionary environment)
    {
        var cli = ParseCommandLine(args, out var configFile);
        configFile ??= environment[ConfigEnvVar] as string;
        var raw = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var (key, values) in FromJson(configFile)) raw[key] = values;
        foreach (var definition in SettingsCatalog.All)
            if (environment[definition.EnvVar] is string value && value.Length > 0)
                raw[definition.Key] = definition.IsList ? value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [value];
        foreach (var (key, values) in cli) raw[key] = values;
        return FromRaw(raw);
    }

    /// <summary>Applies raw values by appsettings key (also the IoT Edge path: desired properties → raw values) and validates.</summary>
    public static EdgeSettings FromRaw(IReadOnlyDictionary<string, IReadOnlyList<string>> raw, EdgeSettings? baseline = null)
    {
        var settings = baseline ?? new EdgeSettings();
        foreach (var definition in SettingsCatalog.All)
        {
            if (!raw.TryGetValue(definition.Key, out var values) || values.Count == 0) continue;
            try
            {
                settings = definition.Apply(settings, values);
            }
            catch (FormatException e)
            {
                throw new SettingsException(definition, e.Message);
            }
        }
        return settings.Validate();
    }

    private static Dictionary<string, IReadOnlyList<string>> ParseCommandLine(IReadOnlyList<string> args, out string? configFile)
    {
        configFile = null;
        var result = new Dictionary<string, IReadOnlyList<string>>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? inline = null;
            var eq = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0) (arg, inline) = (arg[..eq], arg[(eq + 1)..]);
            var definition = SettingsCatalog.All.FirstOrDefault(d => d.Flag == arg);
            if (definition is null && arg != ConfigFlag)
                throw new ArgumentException($"unknown argument '{OneLine.Of(args[i])}' (see --help)");
            var value = inline ?? (i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{arg} needs a value"));
            if (definition is null) configFile = value;
            else if (definition.IsList && result.TryGetValue(definition.Key, out var existing)) result[definition.Key] = [.. existing, value];
            else result[definition.Key] = [value];
        }
        return result;
    }

    private static Dictionary<string, IReadOnlyList<string>> FromJson(string? explicitFile)
    {
        var file = explicitFile ?? new[] { Path.Combine(Environment.CurrentDirectory, "appsettings.json"), Path.Combine(AppContext.BaseDirectory, "appsettings.json") }
            .FirstOrDefault(File.Exists);
        var result = new Dictionary<string, IReadOnlyList<string>>();
        if (file is null) return result;
        if (!File.Exists(file)) throw new ArgumentException($"configuration file {OneLine.Of(file)} does not exist");
        var section = ReadJson(file).GetSection(SettingDefinition.Section);
        foreach (var definition in SettingsCatalog.All)
        {
            var child = section.GetSection(definition.Key);
            if (definition.IsList && child.GetChildren().Any())
                result[definition.Key] = child.GetChildren().Select(c => c.Value ?? "").ToArray();
            else if (child.Value is { Length: > 0 } value)
                result[definition.Key] = [value];
        }
        return result;
    }

    private static IConfigurationRoot ReadJson(string file)
    {
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
