using System.Collections;
using Microsoft.Extensions.Configuration;

namespace SensorStream.Streams.Configuration;

/// <summary>
/// The one validation path from configuration to typed values: <see cref="Raw"/> takes each setting's value from the
/// highest configuration layer that has it (a whole list from one layer, never items mixed across layers), and
/// <see cref="Parse"/> turns each into its typed value with <see cref="Setting.Parse"/> (type and bounds), throwing a
/// <see cref="SettingException"/> that names the setting. Layers are <see cref="IConfiguration"/>s: appsettings.json
/// (<c>AddJsonFile</c>), <see cref="FromEnvironment"/>, <see cref="SettingsCommandLine"/>, or a host's own configuration.
/// </summary>
public static class SettingsReader
{
    /// <summary>The environment variables of the group's settings as a configuration layer (a list variable is comma-separated).</summary>
    public static IConfiguration FromEnvironment(SettingsGroup group, IDictionary environment)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var setting in group.All)
        {
            if (setting.EnvVar is null || environment[setting.EnvVar] is not string { Length: > 0 } value) continue;
            values[setting.ConfigPath!] = value;
        }
        return Layer(values);
    }

    /// <summary>A configuration layer from values keyed by configuration path.</summary>
    public static IConfiguration Layer(IEnumerable<KeyValuePair<string, string?>> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    /// <summary>
    /// Each setting's raw value(s) from the highest layer (last in <paramref name="lowToHigh"/>) that has a non-empty one.
    /// A JSON array gives a list's items; a scalar for a list is split at commas.
    /// </summary>
    public static Dictionary<Setting, IReadOnlyList<string>> Raw(SettingsGroup group, IReadOnlyList<IConfiguration> lowToHigh)
    {
        var raw = new Dictionary<Setting, IReadOnlyList<string>>();
        foreach (var setting in group.All)
        {
            if (setting.ConfigPath is null) continue;
            for (var i = lowToHigh.Count - 1; i >= 0; i--)
            {
                var section = lowToHigh[i].GetSection(setting.ConfigPath);
                if (setting.Type == SettingType.List && section.GetChildren().ToArray() is { Length: > 0 } items)
                {
                    raw[setting] = items.OrderBy(c => int.TryParse(c.Key, out var n) ? n : int.MaxValue).Select(c => c.Value ?? "").ToArray();
                    break;
                }
                if (section.Value is { Length: > 0 } value)
                {
                    raw[setting] = [value];
                    break;
                }
            }
        }
        return raw;
    }

    /// <summary>Typed values by setting key (only those given), each parsed and bound-checked by its <see cref="Setting"/>.</summary>
    /// <exception cref="SettingException">The first value that is not valid, naming its setting.</exception>
    public static Dictionary<string, object> Parse(IReadOnlyDictionary<Setting, IReadOnlyList<string>> raw)
    {
        var typed = new Dictionary<string, object>();
        foreach (var (setting, values) in raw)
        {
            try
            {
                typed[setting.Key] = setting.Type == SettingType.List ? setting.ParseList(values) : setting.Parse(values[^1]);
            }
            catch (FormatException e)
            {
                throw new SettingException(setting, e.Message);
            }
        }
        return typed;
    }

    /// <summary><see cref="Raw"/> then <see cref="Parse"/>, in the group's order; a setting given nowhere takes its <see cref="Setting.Default"/> (when it has one).</summary>
    public static Dictionary<string, object> Read(SettingsGroup group, params IConfiguration[] lowToHigh)
    {
        var raw = Raw(group, lowToHigh);
        foreach (var setting in group.All)
            if (!raw.ContainsKey(setting) && setting.Default is { } fallback && !setting.TwinOnly) raw[setting] = [fallback];
        return Parse(group.All.Where(raw.ContainsKey).ToDictionary(s => s, s => raw[s]));
    }
}
