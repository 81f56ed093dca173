using System.Globalization;

namespace SensorStream.Streams.Configuration;

/// <summary>
/// One setting, defined once for every way it is given and shown: its key (the property it sets and its appsettings
/// key), command-line flag, environment variable, appsettings path, module twin property, type, unit, bounds, default
/// and help. Components bind their settings from it (<see cref="SettingsReader"/>, <see cref="SettingsBinder"/>); the
/// twin parser, the CLI's early checks, <c>--help</c> and the README tables (<see cref="SettingsDocs"/>) read the same
/// definition, so a bound or a name is written once. Build one with the one-line factories (<see cref="Integer"/>,
/// <see cref="Duration(string, string?, string, double?, double?, string)"/>, …) inside a <see cref="SettingsGroup"/>.
/// </summary>
public sealed record Setting
{
    /// <summary>The name of the setting: the property it sets and its key in appsettings (under the group's section).</summary>
    public required string Key { get; init; }

    /// <summary>The command-line flag (<c>--rate</c>); null when the setting is not on a command line.</summary>
    public string? Flag { get; init; }

    /// <summary>The environment variable; null when there is none. Filled from the flag by the <see cref="SettingsGroup"/>.</summary>
    public string? EnvVar { get; init; }

    /// <summary>The configuration path (<c>SensorStream:Rate</c>, or <c>urls</c>); filled from the group's section and the key.</summary>
    public string? ConfigPath { get; init; }

    /// <summary>The module twin desired property (<c>rateHz</c>, <c>limits/maxQueueMb</c>); null when the twin does not set it.</summary>
    public string? TwinPath { get; init; }

    /// <summary>Set only by the module twin: no flag, variable or appsettings key.</summary>
    public bool TwinOnly { get; init; }

    /// <summary>The unit of a twin value when it differs from the setting's (a duration given as <c>flushIntervalMs</c>).</summary>
    public TimeSpan? TwinUnit { get; init; }

    public SettingType Type { get; init; }

    /// <summary>Unit of the value and of its bounds, shown in help, tables and range errors (<c>Hz</c>, <c>MiB</c>, <c>ms</c>).</summary>
    public string? Unit { get; init; }

    /// <summary>Lowest allowed value (durations: milliseconds; lists: items); null = unbounded.</summary>
    public double? Min { get; init; }

    /// <summary>Highest allowed value (durations: milliseconds; lists: items); null = unbounded.</summary>
    public double? Max { get; init; }

    /// <summary>The default as it would be typed (parsed like any other value); null = none.</summary>
    public string? Default { get; init; }

    /// <summary>How the default reads in help and tables when it is not a value (<c>(required)</c>, <c>0 (off)</c>).</summary>
    public string? DefaultText { get; init; }

    /// <summary>One line: what the setting does.</summary>
    public required string Help { get; init; }

    /// <summary>The allowed values of a <see cref="SettingType.Choice"/>, canonical spelling.</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];

    /// <summary>Other spellings of a choice, to its canonical value (<c>dropoldest</c> → <c>drop-oldest</c>).</summary>
    public IReadOnlyDictionary<string, string> Aliases { get; init; } = new Dictionary<string, string>();

    /// <summary>What a choice is called in an error (<c>'maybe' is not a policy</c>).</summary>
    public string Noun { get; init; } = "value";

    /// <summary>Durations: the unit of a bare number (the collector: milliseconds); null = a bare number is refused.</summary>
    public TimeSpan? BareNumberUnit { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>A secret (a token, a password): never shown, and its default never printed.</summary>
    public bool Secret { get; init; }

    /// <summary>The default as shown.</summary>
    public string ShownDefault => DefaultText ?? Default ?? "(none)";

    /// <summary>
    /// Parses one value given as text (a flag, an environment variable, appsettings) and checks its bounds. Returns a
    /// <see cref="string"/> (text, path, choice), <see cref="Uri"/>, <see cref="long"/>, <see cref="double"/>,
    /// <see cref="TimeSpan"/> or <see cref="char"/>. Throws <see cref="FormatException"/> with a one-line problem that
    /// quotes the value. Lists: use <see cref="ParseList"/>.
    /// </summary>
    public object Parse(string text)
    {
        object value = Type switch
        {
            SettingType.Url => Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
                ? uri : throw Bad($"'{text}' is not an http:// or https:// URL"),
            SettingType.Integer => long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : throw Bad($"'{text}' is not an integer"),
            SettingType.Number => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
                ? d : throw Bad($"'{text}' is not a number"),
            SettingType.Duration => ParseDuration(text),
            SettingType.Choice => ParseChoice(text),
            SettingType.Character => text is "tab" or "\\t" ? '\t' : text.Length == 1 ? text[0] : throw Bad($"'{text}' is not one character (or 'tab')"),
            SettingType.List => ParseList([text]),
            _ => text,
        };
        Check(value);
        return value;
    }

    /// <summary>A list setting's items (each trimmed, empty ones dropped), count checked against the bounds.</summary>
    public IReadOnlyList<string> ParseList(IEnumerable<string> values)
    {
        var items = values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
        Check(items);
        return items;
    }

    /// <summary>Throws <see cref="FormatException"/> when a typed value is outside the bounds (see <see cref="Problem"/>).</summary>
    public void Check(object value)
    {
        if (Problem(value) is { } problem) throw Bad(problem);
    }

    /// <summary>
    /// Why a typed value is outside the bounds (<c>must be between 1 and 20000 Hz, got 0</c>), or null. Components call it
    /// for values built in code too, so the bound is the same whichever way a value came.
    /// </summary>
    public string? Problem(object value) => value switch
    {
        TimeSpan t => RangeProblem(t.TotalMilliseconds, DurationText.Format, Min, Max, null),
        System.Collections.ICollection items => Max is { } most && items.Count > most ? $"at most {most} items, got {items.Count}"
            : Min is { } least && items.Count < least ? $"at least {least} item{(least == 1 ? "" : "s")} required" : null,
        long l => RangeProblem(l, Number, Min, Max, Unit),
        int i => RangeProblem(i, Number, Min, Max, Unit),
        double d => RangeProblem(d, Number, Min, Max, Unit),
        _ => null,
    };

    /// <summary>The bounds as text (<c>1..20000 Hz</c>, <c>≥ 10ms</c>), or empty when unbounded.</summary>
    public string BoundsText()
    {
        Func<double, string> shown = Type == SettingType.Duration ? DurationText.Format : Number;
        var unit = Type is SettingType.Duration or SettingType.List || Unit is null ? "" : " " + Unit;
        var items = Type == SettingType.List ? " items" : "";
        return (Min, Max) switch
        {
            ({ } min, { } max) => $"{shown(min)}..{shown(max)}{unit}{items}",
            ({ } min, null) => $"≥ {shown(min)}{unit}{items}",
            (null, { } max) => $"≤ {shown(max)}{unit}{items}",
            _ => Type == SettingType.Choice ? string.Join(" \\| ", Choices) : "",
        };
    }

    /// <summary>
    /// The range error for a value in any unit (the twin gives a duration in milliseconds): <c>must be between 10 and
    /// 600000 ms, got 5</c>; null when inside.
    /// </summary>
    public static string? RangeProblem(double value, Func<double, string> format, double? min, double? max, string? unit)
    {
        var u = unit is null ? "" : " " + unit;
        if (double.IsFinite(value) && (min is null || value >= min) && (max is null || value <= max)) return null;
        var got = double.IsNaN(value) ? "NaN" : double.IsInfinity(value) ? (value > 0 ? "∞" : "-∞") : format(value);
        return (min, max) switch
        {
            ({ } a, { } b) => $"must be between {format(a)} and {format(b)}{u}, got {got}",
            ({ } a, null) => $"must be at least {format(a)}{u}, got {got}",
            (null, { } b) => $"must be at most {format(b)}{u}, got {got}",
            _ => $"must be a finite number, got {got}",
        };
    }

    /// <summary>A number as settings show it: invariant, shortest round trip.</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>
    /// How a start-up error names the setting by its flag and environment variable: <c>setting --data-dir (GATEWAY_DATA_DIR)</c>
    /// (<see cref="Describe"/> when it has no flag).
    /// </summary>
    public string FlagAndVariable => Flag is null ? Describe() : EnvVar is null ? $"setting {Flag}" : $"setting {Flag} ({EnvVar})";

    /// <summary>How errors name the setting: <c>setting Rate (--rate, SENSORSTREAM_RATE, appsettings SensorStream:Rate)</c>.</summary>
    public string Describe()
    {
        var names = new[] { Flag, EnvVar == Key ? null : EnvVar, ConfigPath is null || ConfigPath == Key ? null : "appsettings " + ConfigPath }.OfType<string>().ToArray();
        return names.Length == 0 ? $"setting {Key}" : $"setting {Key} ({string.Join(", ", names)})";
    }

    private TimeSpan ParseDuration(string text)
    {
        var trimmed = text.Trim();
        if (BareNumberUnit is null && double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            throw Bad($"'{text}' has no unit: write {trimmed}s (seconds), {trimmed}m (minutes) or {trimmed}ms");
        return DurationText.TryParse(text, BareNumberUnit ?? TimeSpan.FromMilliseconds(1), out var t) && t <= DurationText.TimerLimit
            ? t : throw Bad($"'{text}' is not a duration of at most 24 days (e.g. 250ms, 2s, 1m)");
    }

    private string ParseChoice(string text)
    {
        var key = text.Trim().ToLowerInvariant();
        if (Choices.Contains(key)) return key;
        if (Aliases.TryGetValue(key, out var canonical)) return canonical;
        throw Bad($"'{text}' is not a {Noun} (must be one of {string.Join(", ", Choices)})");
    }

    private static FormatException Bad(string problem) => new(problem);

    // One-line factories: the catalogs define each setting in one line with them.

    /// <summary>A text setting.</summary>
    public static Setting Text(string key, string? flag, string? @default, string help) =>
        new() { Key = key, Flag = flag, Type = SettingType.Text, Default = @default, Help = help };

    /// <summary>A path setting.</summary>
    public static Setting Path(string key, string? flag, string? @default, string help) =>
        new() { Key = key, Flag = flag, Type = SettingType.Path, Default = @default, Help = help };

    /// <summary>An http(s) URL setting.</summary>
    public static Setting Url(string key, string? flag, string? @default, string help) =>
        new() { Key = key, Flag = flag, Type = SettingType.Url, Default = @default, Help = help };

    /// <summary>A whole-number setting with bounds in <paramref name="unit"/>.</summary>
    public static Setting Integer(string key, string? flag, long? @default, double? min, double? max, string? unit, string help) =>
        new() { Key = key, Flag = flag, Type = SettingType.Integer, Default = @default?.ToString(CultureInfo.InvariantCulture), Min = min, Max = max, Unit = unit, Help = help };

    /// <summary>A number setting with bounds in <paramref name="unit"/>.</summary>
    public static Setting Decimal(string key, string? flag, double? @default, double? min, double? max, string? unit, string help) =>
        new() { Key = key, Flag = flag, Type = SettingType.Number, Default = @default is { } d ? Number(d) : null, Min = min, Max = max, Unit = unit, Help = help };

    /// <summary>A duration setting; bounds in milliseconds.</summary>
    public static Setting Duration(string key, string? flag, string @default, double? minMs, double? maxMs, string help) =>
        new() { Key = key, Flag = flag, Type = SettingType.Duration, Default = @default, Min = minMs, Max = maxMs, Help = help };

    /// <summary>A choice setting: <paramref name="choices"/> in canonical spelling, the first being the default unless given.</summary>
    public static Setting Choice(string key, string? flag, string noun, IReadOnlyList<string> choices, string help, string? @default = null) =>
        new() { Key = key, Flag = flag, Type = SettingType.Choice, Noun = noun, Choices = choices, Default = @default ?? choices[0], Help = help };

    /// <summary>A one-character setting.</summary>
    public static Setting Character(string key, string? flag, string @default, string help) =>
        new() { Key = key, Flag = flag, Type = SettingType.Character, Default = @default, Help = help };

    /// <summary>A list setting; bounds count its items.</summary>
    public static Setting List(string key, string? flag, double? minItems, double? maxItems, string help) =>
        new() { Key = key, Flag = flag, Type = SettingType.List, Min = minItems, Max = maxItems, Help = help };
}
