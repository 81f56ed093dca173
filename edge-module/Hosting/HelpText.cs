using System.Text;
using SensorStream.EdgeModule.Configuration;
using SensorStream.Streams.Configuration;
using SensorStream.Streams.Configuration.Catalogs;

namespace SensorStream.EdgeModule.Hosting;

/// <summary>The <c>--help</c> text, generated from the shared settings model (<see cref="CollectorSettings"/>) and the sensor-kind descriptors (<see cref="SensorKinds"/>).</summary>
internal static class HelpText
{
    public static string Build() => new StringBuilder()
        .AppendLine("SensorStream edge collector: sensors → SQLite queue → exactly-once two-phase commit into a gateway stream.")
        .AppendLine()
        .AppendLine("usage: SensorStream.EdgeModule --gateway URL --scope S --stream NAME --sensor SPEC [--sensor SPEC ...] [options]")
        .AppendLine()
        .AppendLine($"Every setting also comes from an environment variable or from appsettings.json (section \"{SettingDefinition.Section}\");")
        .AppendLine($"flags win over environment variables, which win over the file ({SettingsLoader.ConfigFlag} FILE / {SettingsLoader.ConfigEnvVar}).")
        .AppendLine("Durations: 250ms, 2s, 1.5m, 1h (a bare number is milliseconds).")
        .AppendLine()
        .Append(SettingsDocs.Help(CollectorSettings.Group))
        .AppendLine()
        .AppendLine("Sensor kinds (--sensor SPEC):")
        .AppendJoin(Environment.NewLine, SensorKinds.HelpLines())
        .AppendLine()
        .ToString();
}
