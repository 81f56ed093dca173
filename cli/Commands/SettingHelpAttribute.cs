using System.ComponentModel;
using SensorStream.Streams.Configuration;
using SensorStream.Streams.Configuration.Catalogs;

namespace SensorStream.Cli.Commands;

/// <summary>
/// An option's <c>--help</c> description, taken from the shared settings model (<see cref="CliSettings"/>): the
/// setting's help, its environment variable, bounds and default. Spectre.Console.Cli reads it as the option's
/// <see cref="DescriptionAttribute"/>, so the CLI's help and the README table come from the same definition.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SettingHelpAttribute(string key) : DescriptionAttribute(Spectre.Console.Markup.Escape(Describe(CliSettings.Find(key))))
{
    /// <summary>The setting's key in <see cref="CliSettings"/> (or the collector's, for <c>run</c>'s rate, batch and sensors).</summary>
    public string Key { get; } = key;

    /// <summary>What the CLI does differently from the setting's own meaning (e.g. its own default), appended to the description.</summary>
    public string Also
    {
        get => "";
        init => DescriptionValue = $"{DescriptionValue} {Spectre.Console.Markup.Escape(value)}";
    }

    /// <summary>Also list every sensor kind (<see cref="SensorKinds.HelpLines"/>), one per line: for <c>run --sensor</c>.</summary>
    public bool ListsSensorKinds
    {
        get => false;
        init
        {
            if (value) DescriptionValue += "\n" + Spectre.Console.Markup.Escape("Sensor kinds:\n" + string.Join("\n", SensorKinds.HelpLines()));
        }
    }

    /// <summary><c>help (env X; bounds; default Y)</c>, as plain text (the attribute escapes it for Spectre's markup).</summary>
    public static string Describe(Setting s)
    {
        var details = new[]
        {
            s.EnvVar is not null && CliSettings.Group.All.Contains(s) ? "env " + s.EnvVar : null,
            s.BoundsText() is { Length: > 0 } bounds ? bounds.Replace("\\|", "|") : null,
            s.Secret || (s.Default is null && !CliSettings.Group.All.Contains(s)) ? null : "default " + s.ShownDefault,
        }.OfType<string>();
        return $"{char.ToUpperInvariant(s.Help[0])}{s.Help[1..]} ({string.Join("; ", details)}).";
    }
}
