using System.Text;
using SensorStream.EdgeModule.Configuration;
using SensorStream.Streams.Configuration;

namespace SensorStream.EdgeModule.Hosting;

/// <summary>The <c>--help</c> text, generated from <see cref="SettingsCatalog"/> and <see cref="SensorKinds"/>.</summary>
internal static class HelpText
{
    public static string Build()
    {
        var text = new StringBuilder()
            .AppendLine("SensorStream edge collector: sensors → SQLite queue → exactly-once two-phase commit into a gateway stream.")
            .AppendLine()
            .AppendLine("usage: SensorStream.EdgeModule --gateway URL --scope S --stream NAME --sensor SPEC [--sensor SPEC ...] [options]")
            .AppendLine()
            .AppendLine($"Every setting also comes from an environment variable or from appsettings.json (section \"{SettingDefinition.Section}\");")
            .AppendLine($"flags win over environment variables, which win over the file ({SettingsLoader.ConfigFlag} FILE / {SettingsLoader.ConfigEnvVar}).")
            .AppendLine();
        foreach (var d in SettingsCatalog.All)
            text.AppendLine($"  {d.Flag,-20} {d.EnvVar,-32} default {d.Default}").AppendLine($"  {"",-20} {d.Description}");
        text.AppendLine().AppendLine("Sensor kinds (--sensor SPEC):");
        foreach (var line in SensorKinds.HelpLines()) text.AppendLine(line);
        return text.ToString();
    }
}
