using System.Collections;
using SensorStream.EdgeModule.Configuration;
using SensorStream.EdgeModule.Tests.Support;

namespace SensorStream.EdgeModule.Tests.Configuration;

/// <summary>Regression cases found by <see cref="SettingsLoaderFuzzTests"/> (seed 20260316): each was a crash or an unclear error.</summary>
public sealed class SettingsBadInputTests
{
    private static readonly string[] Minimal = ["--gateway", "http://127.0.0.1:5005", "--scope", "s", "--stream", "t", "--sensor", "synthetic:a"];

    [Theory]
    [InlineData("--retry-max-delay", "1e15")] // case 9: OverflowException out of TimeSpan.FromMilliseconds
    [InlineData("--txn-lease", "1e300h")]
    [InlineData("--csv-poll-interval", "9e14")] // case 5: accepted, then too long for the import timer
    [InlineData("--flush-interval", "100000h")]
    public void A_duration_too_long_for_a_timer_names_the_setting(string flag, string value)
    {
        var e = Assert.Throws<SettingsException>(() => SettingsLoader.Load([.. Minimal, flag, value], new Hashtable()));
        Assert.Equal(flag, e.Setting.Flag);
        Assert.EndsWith($"'{value}' is not a duration of at most 24 days (e.g. 250ms, 2s, 1m)", e.Message);
    }

    [Theory]
    [InlineData("{ \"SensorStream\": ")] // case 10: InvalidDataException, which the entry point does not catch
    [InlineData("[1,2]")]
    [InlineData("{\"a\":1,\"A\":2}")]
    public void A_config_file_that_is_not_a_json_object_is_one_line_naming_the_file(string text)
    {
        using var dir = new TempDirectory();
        var file = dir.File("appsettings.json");
        File.WriteAllText(file, text);
        var e = Assert.Throws<ArgumentException>(() => SettingsLoader.Load([.. Minimal, "--config", file], new Hashtable()));
        Assert.StartsWith($"configuration file {file} is not a valid JSON object: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_value_with_a_line_break_or_nul_is_quoted_escaped_on_one_line()
    {
        // Case 43: the message quoted the value raw, so "line\r\nbreak" split the one-line error in two.
        var e = Assert.Throws<SettingsException>(() => SettingsLoader.Load([.. Minimal, "--realtime-priority=line\r\nbreak"], new Hashtable()));
        Assert.EndsWith(@"'line\r\nbreak' is not an integer", e.Message);
        var nul = Assert.Throws<SettingsException>(() => SettingsLoader.Load([.. Minimal, "--rate", "1\u00002"], new Hashtable()));
        Assert.EndsWith(@"'1\u00002' is not a number", nul.Message);
        var unknown = Assert.Throws<ArgumentException>(() => SettingsLoader.Load(["--x\ny"], new Hashtable()));
        Assert.Equal(@"unknown argument '--x\ny' (see --help)", unknown.Message);
    }
}
