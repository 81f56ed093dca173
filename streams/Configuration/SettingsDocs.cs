using System.Text;

namespace SensorStream.Streams.Configuration;

/// <summary>
/// <c>--help</c> text and README tables, generated from a <see cref="SettingsGroup"/>. A README holds a table between
/// <c>&lt;!-- settings:NAME --&gt;</c> and <c>&lt;!-- /settings:NAME --&gt;</c>; <see cref="ReplaceTable"/> rewrites it
/// and a test keeps every such table equal to the model.
/// </summary>
public static class SettingsDocs
{
    /// <summary>The Markdown table: a column per way the group's settings are given, then type and bounds, default, meaning.</summary>
    public static string Markdown(SettingsGroup group)
    {
        var columns = new List<(string Header, Func<Setting, string> Cell)>();
        if (group.All.Any(s => s.Flag is not null)) columns.Add(("flag", s => Code(s.Flag)));
        if (group.All.Any(s => s.EnvVar is not null && s.EnvVar != s.Key))
            columns.Add(("env var", s => Code(s.EnvVar)));
        if (group.AppSettings)
            columns.Add((group.Section is null ? "setting" : $"appsettings key (`{group.Section}:`)",
                s => s.ConfigPath is null ? "—" : Code(group.Section is not null && s.ConfigPath.StartsWith(group.Section + ":", StringComparison.Ordinal)
                    ? s.ConfigPath[(group.Section.Length + 1)..] : s.ConfigPath) + (s.Type == SettingType.List && group.Section is not null ? " (array)" : "")));
        if (group.All.Any(s => s.TwinPath is not null)) columns.Add(("twin property", s => Code(s.TwinPath)));
        columns.Add(("type", TypeText));
        columns.Add(("default", s => s.Secret && s.Default is not null ? "(secret)" : Escape(s.ShownDefault)));
        columns.Add(("what", s => Escape(s.Help)));

        var text = new StringBuilder();
        text.Append("| ").AppendJoin(" | ", columns.Select(c => c.Header)).AppendLine(" |");
        text.Append('|').AppendJoin("|", columns.Select(_ => "---")).AppendLine("|");
        foreach (var setting in group.All)
            text.Append("| ").AppendJoin(" | ", columns.Select(c => c.Cell(setting))).AppendLine(" |");
        return text.ToString();
    }

    /// <summary>The settings part of <c>--help</c>: per setting its flag, variable, type and bounds, default, and what it does.</summary>
    public static string Help(SettingsGroup group)
    {
        var text = new StringBuilder();
        foreach (var s in group.All.Where(s => s.Flag is not null))
        {
            var bounds = s.BoundsText();
            text.AppendLine($"  {s.Flag,-26} {s.EnvVar,-34} {TypeName(s)}{(bounds.Length > 0 ? " " + bounds.Replace("\\|", "|") : "")}, default {(s.Secret && s.Default is not null ? "(secret)" : s.ShownDefault)}")
                .AppendLine($"  {"",-26} {s.Help}");
        }
        return text.ToString();
    }

    /// <summary>The marker lines around a group's README table.</summary>
    public static (string Begin, string End) Markers(SettingsGroup group) => ($"<!-- settings:{group.Name} -->", $"<!-- /settings:{group.Name} -->");

    /// <summary>The table currently between the group's markers in <paramref name="readme"/>, or null when the markers are not there.</summary>
    public static string? CurrentTable(string readme, SettingsGroup group)
    {
        var (begin, end) = Markers(group);
        var from = readme.IndexOf(begin, StringComparison.Ordinal);
        var to = readme.IndexOf(end, StringComparison.Ordinal);
        if (from < 0 || to < from) return null;
        return readme[(from + begin.Length)..to].Trim('\n', '\r') + "\n";
    }

    /// <summary><paramref name="readme"/> with the group's table replaced by the generated one (unchanged when the markers are not there).</summary>
    public static string ReplaceTable(string readme, SettingsGroup group)
    {
        var (begin, end) = Markers(group);
        var from = readme.IndexOf(begin, StringComparison.Ordinal);
        var to = readme.IndexOf(end, StringComparison.Ordinal);
        if (from < 0 || to < from) return readme;
        return readme[..(from + begin.Length)] + "\n" + Markdown(group) + readme[to..];
    }

    private static string TypeText(Setting s)
    {
        var bounds = s.BoundsText();
        return Escape(TypeName(s)) + (bounds.Length > 0 ? " " + (s.Type == SettingType.Choice ? bounds : Escape(bounds)) : "");
    }

    private static string TypeName(Setting s) => s.Type switch
    {
        SettingType.Integer => "integer" + (s.Unit is null || s.Min is not null || s.Max is not null ? "" : $" ({s.Unit})"),
        SettingType.Number => "number" + (s.Unit is null || s.Min is not null || s.Max is not null ? "" : $" ({s.Unit})"),
        SettingType.Duration => s.BareNumberUnit is null ? "duration (with unit)" : s.BareNumberUnit == TimeSpan.FromMilliseconds(1) ? "duration" : s.BareNumberUnit == TimeSpan.FromSeconds(1) ? "duration (bare number: seconds)" : "duration",
        SettingType.Choice => "one of",
        SettingType.Character => "character",
        SettingType.List => "list",
        SettingType.Url => "URL",
        SettingType.Path => "path",
        _ => "text",
    };

    private static string Code(string? text) => text is null ? "—" : $"`{text}`";

    private static string Escape(string text) => text.Replace("|", "\\|");
}
