using System.Text.RegularExpressions;
using SensorStream.Streams.Configuration;
using SensorStream.Streams.Configuration.Catalogs;

namespace SensorStream.EndToEnd.Tests;

/// <summary>
/// Every component's <c>--help</c> is generated from the shared settings model: each setting's flag and help text
/// appear in the real program's output (the CLI's option descriptions, the collector's and the gateway's tables).
/// </summary>
public sealed class SettingsHelpTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_cli_help_describes_each_option_from_the_model()
    {
        var run = await CliRun.RunAsync(Timeout, "run", "--help");
        var export = await CliRun.RunAsync(Timeout, "export", "get", "--help");
        Assert.True(run.ExitCode == 0 && export.ExitCode == 0, run.All + export.All);
        var text = Flat(run.StdOut + export.StdOut);
        foreach (var setting in CliSettings.Group.All.Concat(CliSettings.Collector))
        {
            Assert.Contains(setting.Flag!, text);
            Assert.Contains(Flat(char.ToUpperInvariant(setting.Help[0]) + setting.Help[1..]), text);
        }
        Assert.Contains("1..20000 Hz; default 1000", text);
    }

    [Theory]
    [InlineData("edge-module", "SensorStream.EdgeModule", "collector")]
    [InlineData("gateway", "SensorStream.Gateway", "gateway")]
    public async Task A_component_help_lists_every_setting_of_the_model(string folder, string assembly, string group)
    {
        var result = await CliRun.RunDllAsync(Repo.Dll(folder, assembly), Timeout, "--help");
        Assert.True(result.ExitCode == 0, result.All);
        var settings = group == "collector" ? CollectorSettings.Group : GatewayServerSettings.Group;
        Assert.Contains(Flat(SettingsDocs.Help(settings)), Flat(result.StdOut));
    }

    private static string Flat(string text) => Regex.Replace(text, @"\s+", " ").Trim();
}
