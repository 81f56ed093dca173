namespace SensorStream.Streams.Configuration;

/// <summary>
/// One component's settings (the collector's, the gateway's, the cloud host's, the CLI's): the list of
/// <see cref="Setting"/>s and the naming rules that fill in what a definition leaves out — the environment variable
/// from the flag (<c>--max-queue-mb</c> → <c>SENSORSTREAM_MAX_QUEUE_MB</c>) or from the key (app settings); an empty one
/// means none — and the
/// configuration path from the section and the key (<c>SensorStream:MaxQueueMb</c>).
/// </summary>
public sealed class SettingsGroup
{
    /// <param name="name">Short name, used to mark its README tables (<c>collector</c>).</param>
    /// <param name="section">appsettings section of the keys; null = keys at the root (app settings).</param>
    /// <param name="envPrefix">Prefix of the environment variables made from flags.</param>
    /// <param name="envFromKey">True: a setting without a flag is its own environment variable (Functions app settings).</param>
    /// <param name="settings">The definitions.</param>
    /// <param name="appSettings">False: the component has no appsettings file (the CLI), so no setting has a configuration path.</param>
    public SettingsGroup(string name, string? section, string envPrefix, bool envFromKey, IReadOnlyList<Setting> settings, bool appSettings = true)
    {
        AppSettings = appSettings;
        Name = name;
        Section = section;
        All = settings.Select(s => s.TwinOnly ? s : s with
        {
            EnvVar = s.EnvVar == "" ? null : s.EnvVar ?? (s.Flag is { } flag ? envPrefix + EnvName(flag) : envFromKey ? s.Key : null),
            ConfigPath = !appSettings ? null : s.ConfigPath ?? (section is null ? s.Key : $"{section}:{s.Key}"),
        }).ToArray();
        var duplicate = All.GroupBy(s => s.Key, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1)?.Key
                        ?? All.Where(s => s.Flag is not null).GroupBy(s => s.Flag).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (duplicate is not null) throw new ArgumentException($"settings group {name}: '{duplicate}' is defined twice");
    }

    public string Name { get; }

    /// <summary>False when the component reads no appsettings (its settings are flags and environment variables only).</summary>
    public bool AppSettings { get; }

    /// <summary>The appsettings section (null = root).</summary>
    public string? Section { get; }

    /// <summary>Every setting, in the order help and tables show them.</summary>
    public IReadOnlyList<Setting> All { get; }

    /// <summary>The setting with this key; throws when there is none (a typo in code, not in input).</summary>
    public Setting this[string key] => All.FirstOrDefault(s => s.Key == key) ?? throw new KeyNotFoundException($"settings group {Name} has no setting {key}");

    /// <summary>The setting with this flag, or null.</summary>
    public Setting? ByFlag(string flag) => All.FirstOrDefault(s => s.Flag == flag);

    /// <summary>The setting with this twin property path, or null.</summary>
    public Setting? ByTwinPath(string path) => All.FirstOrDefault(s => s.TwinPath == path);

    /// <summary><c>--max-queue-mb</c> → <c>MAX_QUEUE_MB</c>.</summary>
    public static string EnvName(string flag) => string.Concat(flag.TrimStart('-').Select(c => c == '-' ? '_' : char.ToUpperInvariant(c)));
}
