namespace SensorStream.Streams.Configuration;

/// <summary>
/// Reads a command line against a <see cref="SettingsGroup"/>: <c>--flag value</c> or <c>--flag=value</c>, a list flag
/// repeated. An unknown flag or one without its value is refused with one line naming it (a typo must not silently
/// fall back to a default). The values become a configuration layer keyed by <see cref="Setting.ConfigPath"/>.
/// </summary>
public sealed class SettingsCommandLine
{
    /// <summary>Values by configuration path (list items as <c>path:0</c>, <c>path:1</c>), for <see cref="SettingsReader"/>.</summary>
    public Dictionary<string, string?> Values { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Values of the extra flags the caller accepts besides the settings (<c>--config FILE</c>).</summary>
    public Dictionary<string, string> Extras { get; } = [];

    /// <param name="group">The settings whose flags are accepted.</param>
    /// <param name="args">The command line.</param>
    /// <param name="extraFlags">Other flags with a value the caller handles (returned in <see cref="Extras"/>).</param>
    /// <param name="passThrough">Flags another layer reads (the web host's <c>--environment</c>, <c>--Logging:…</c>): skipped with their value.</param>
    /// <param name="skipPositional">True: a word not starting with <c>--</c> is skipped; false: it is refused.</param>
    /// <exception cref="ArgumentException">An unknown flag or a flag without a value; the message is one line.</exception>
    public static SettingsCommandLine Parse(SettingsGroup group, IReadOnlyList<string> args, IReadOnlyCollection<string>? extraFlags = null,
        Func<string, bool>? passThrough = null, bool skipPositional = false)
    {
        var result = new SettingsCommandLine();
        var lists = new Dictionary<string, int>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (skipPositional && !arg.StartsWith("--", StringComparison.Ordinal)) continue;
            string? inline = null;
            var eq = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0) (arg, inline) = (arg[..eq], arg[(eq + 1)..]);
            var setting = group.ByFlag(arg);
            var extra = setting is null && extraFlags?.Contains(arg) == true;
            var passed = setting is null && !extra && arg.StartsWith("--", StringComparison.Ordinal) && passThrough?.Invoke(arg) == true;
            if (setting is null && !extra && !passed)
                throw new ArgumentException($"unknown argument '{OneLine.Of(args[i])}' (see --help)");
            string value;
            if (inline is not null) value = inline;
            else if (i + 1 < args.Count && !(skipPositional && args[i + 1].StartsWith("--", StringComparison.Ordinal))) value = args[++i];
            else throw new ArgumentException($"{OneLine.Of(arg)} needs a value");
            if (passed) continue;
            if (extra) result.Extras[arg] = value;
            else if (setting!.Type == SettingType.List)
            {
                var n = lists.GetValueOrDefault(setting.Key);
                lists[setting.Key] = n + 1;
                result.Values[$"{setting.ConfigPath}:{n}"] = value;
            }
            else result.Values[setting.ConfigPath!] = value;
        }
        return result;
    }
}
