using System.Collections;
using SensorStream.EdgeModule.Configuration;
using SensorStream.EdgeModule.Queue;
using SensorStream.EdgeModule.Tests.Support;
using SensorStream.Testing;

namespace SensorStream.EdgeModule.Tests.Configuration;

public sealed class SettingsTests
{
    private static readonly string[] Minimal = ["--gateway", "http://127.0.0.1:5005", "--scope", "s", "--stream", "t", "--sensor", "synthetic:a"];

    [Fact]
    public void Flags_parse_into_settings_with_defaults_for_the_rest()
    {
        var s = SettingsLoader.Load([.. Minimal, "--sensor", "nic:eth0", "--rate", "500", "--batch=100", "--flush-interval", "250ms",
            "--queue-full", "drop-oldest", "--max-queue-mb", "0.5"], new Hashtable());
        Assert.Equal(new Uri("http://127.0.0.1:5005"), s.Gateway);
        Assert.Equal(["synthetic:a", "nic:eth0"], s.Sensors.Select(x => x.Text));
        Assert.Equal(500, s.Rate);
        Assert.Equal(100, s.Batch);
        Assert.Equal(TimeSpan.FromMilliseconds(250), s.FlushInterval);
        Assert.Equal(QueueFullPolicy.DropOldest, s.QueueFull);
        Assert.Equal(0.5, s.MaxQueueMb);
        Assert.Equal("sensorstream-edge.db", s.Db);
        Assert.Equal(TimeSpan.FromSeconds(60), s.TxnLease);
    }

    [Fact]
    public void Flags_beat_environment_which_beats_appsettings()
    {
        using var dir = new TempDirectory();
        var json = dir.File("appsettings.json");
        File.WriteAllText(json, """
            { "SensorStream": { "Gateway": "http://file:1", "Scope": "fs", "Stream": "ft", "Rate": 100, "Batch": 10,
                                "Sensors": [ "synthetic:x", "synthetic:y" ] } }
            """);
        var env = new Hashtable { ["SENSORSTREAM_RATE"] = "200", ["SENSORSTREAM_BATCH"] = "20", ["SENSORSTREAM_CONFIG"] = json };

        var s = SettingsLoader.Load(["--batch", "30"], env);

        Assert.Equal(new Uri("http://file:1"), s.Gateway);
        Assert.Equal(["synthetic:x", "synthetic:y"], s.Sensors.Select(x => x.Text));
        Assert.Equal(200, s.Rate);
        Assert.Equal(30, s.Batch);

        var fromEnv = SettingsLoader.Load([], new Hashtable { ["SENSORSTREAM_CONFIG"] = json, ["SENSORSTREAM_SENSORS"] = "synthetic:p, nic:lo" });
        Assert.Equal(["synthetic:p", "nic:lo"], fromEnv.Sensors.Select(x => x.Text));
    }

    [Theory]
    [InlineData("--rate", "abc", "setting Rate (--rate, SENSORSTREAM_RATE, appsettings SensorStream:Rate): 'abc' is not a number")]
    [InlineData("--rate", "0", "setting Rate (--rate, SENSORSTREAM_RATE, appsettings SensorStream:Rate): must be between 1 and 20000 Hz, got 0")]
    [InlineData("--batch", "100000", "setting Batch (--batch, SENSORSTREAM_BATCH")]
    [InlineData("--queue-full", "maybe", "setting QueueFull (--queue-full, SENSORSTREAM_QUEUE_FULL, appsettings SensorStream:QueueFull): 'maybe' is not a policy")]
    [InlineData("--gateway", "ftp://x", "setting Gateway (--gateway, SENSORSTREAM_GATEWAY, appsettings SensorStream:Gateway): 'ftp://x' is not an http:// or https:// URL")]
    [InlineData("--sensor", "synthetic:a", "setting Sensors (--sensor, SENSORSTREAM_SENSORS, appsettings SensorStream:Sensors): two sensors have the id 'synthetic:a'")]
    [InlineData("--stream", "a/b", "setting Stream (--stream")]
    [InlineData("--realtime-priority", "100", "setting RealtimePriority (--realtime-priority, SENSORSTREAM_REALTIME_PRIORITY, appsettings SensorStream:RealtimePriority): must be between 0 and 99")]
    [InlineData("--flush-interval", "soon", "setting FlushInterval (--flush-interval, SENSORSTREAM_FLUSH_INTERVAL, appsettings SensorStream:FlushInterval): 'soon' is not a duration")]
    public void Invalid_values_name_the_setting(string flag, string value, string expected)
    {
        var e = Assert.Throws<SettingsException>(() => SettingsLoader.Load([.. Minimal, flag, value], new Hashtable()));
        Assert.StartsWith(expected.Replace("'synthetic:a'", "'a'"), e.Message);
    }

    [Fact]
    public void Missing_required_settings_are_named()
    {
        var e = Assert.Throws<SettingsException>(() => SettingsLoader.Load(["--scope", "s"], new Hashtable()));
        Assert.Equal("Gateway", e.Setting.Key);
        var noSensor = Assert.Throws<SettingsException>(() => SettingsLoader.Load(Minimal[..6], new Hashtable()));
        Assert.Equal("Sensors", noSensor.Setting.Key);
    }

    [Fact]
    public void Unknown_flags_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => SettingsLoader.Load([.. Minimal, "--rat", "5"], new Hashtable()));
        Assert.Contains("unknown argument '--rat'", e.Message);
    }

    [Fact]
    public void Raw_values_by_key_apply_over_a_baseline_for_the_iot_edge_path()
    {
        var baseline = SettingsLoader.Load(Minimal, new Hashtable());
        var changed = SettingsLoader.FromRaw(new Dictionary<string, IReadOnlyList<string>> { ["Rate"] = ["250"], ["Sensors"] = ["synthetic:q", "synthetic:r"] }, baseline);
        Assert.Equal(250, changed.Rate);
        Assert.Equal(2, changed.Sensors.Count);
        Assert.Equal(baseline.Gateway, changed.Gateway);
        Assert.Throws<SettingsException>(() => SettingsLoader.FromRaw(new Dictionary<string, IReadOnlyList<string>> { ["Batch"] = ["0"] }, baseline));
    }

    [Fact]
    public void The_readme_table_lists_every_setting()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "edge-module", "README.md"));
        Assert.All(SettingsCatalog.All, d => Assert.Contains($"| `{d.Flag}` | `{d.EnvVar}` | `{d.Key}", readme));
    }
}
