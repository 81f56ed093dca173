using System.Collections;
using SensorStream.Streams.Configuration;
using SensorStream.Streams.Configuration.Catalogs;

namespace SensorStream.Streams.Tests.Configuration;

/// <summary>The shared settings model: one parse and bound path, layers by precedence, binding by key, naming rules.</summary>
public sealed class SettingsModelTests
{
    private sealed record Sample
    {
        public double Rate { get; init; } = 1;
        public int Batch { get; init; } = 2;
        public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(9);
        public IReadOnlyList<string> Sensors { get; init; } = [];
        public Policy QueueFull { get; init; }
    }

    private enum Policy { Reject, DropOldest }

    [Theory]
    [InlineData("Rate", "0", "must be between 1 and 20000 Hz, got 0")]
    [InlineData("Rate", "abc", "'abc' is not a number")]
    [InlineData("Batch", "46092", "must be between 1 and 46091 samples, got 46092")]
    [InlineData("Batch", "1.5", "'1.5' is not an integer")]
    [InlineData("FlushInterval", "5ms", "must be between 10ms and 10m, got 5ms")]
    [InlineData("FlushInterval", "soon", "'soon' is not a duration of at most 24 days (e.g. 250ms, 2s, 1m)")]
    [InlineData("MaxQueueMb", "0", "must be at least 0.01 MiB, got 0")]
    [InlineData("QueueFull", "maybe", "'maybe' is not a policy (must be one of reject, drop-oldest)")]
    [InlineData("Gateway", "ftp://x", "'ftp://x' is not an http:// or https:// URL")]
    public void A_bad_value_gets_the_one_message_of_its_definition(string key, string value, string message) =>
        Assert.Equal(message, Assert.Throws<FormatException>(() => CollectorSettings.Group[key].Parse(value)).Message);

    [Fact]
    public void Durations_take_the_one_syntax_and_the_bare_number_unit_of_their_setting()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(250), CollectorSettings.Group["FlushInterval"].Parse("250"));
        Assert.Equal(TimeSpan.FromSeconds(30), CloudHostSettings.Group["EXPORT_ROLL_SECONDS"].Parse("30"));
        Assert.Equal(TimeSpan.FromMinutes(2), CloudHostSettings.Group["EXPORT_ROLL_SECONDS"].Parse("2m"));
        Assert.Equal("'10' has no unit: write 10s (seconds), 10m (minutes) or 10ms",
            Assert.Throws<FormatException>(() => CliSettings.Group["Duration"].Parse("10")).Message);
        Assert.Equal("drop-oldest", CollectorSettings.Group["QueueFull"].Parse(" DropOldest "));
    }

    [Fact]
    public void The_highest_layer_gives_a_setting_and_a_list_comes_whole_from_one_layer()
    {
        var group = CollectorSettings.Group;
        var file = SettingsReader.Layer(new Dictionary<string, string?>
        {
            ["SensorStream:Rate"] = "100", ["SensorStream:Batch"] = "10", ["SensorStream:Sensors:0"] = "a:1", ["SensorStream:Sensors:1"] = "b:2",
        });
        var env = SettingsReader.FromEnvironment(group, new Hashtable { ["SENSORSTREAM_RATE"] = "200" });
        var cli = SettingsCommandLine.Parse(group, ["--sensor", "c:3", "--batch=30"]);
        var values = SettingsReader.Read(group, file, env, SettingsReader.Layer(cli.Values));

        Assert.Equal(200.0, values["Rate"]);
        Assert.Equal(30L, values["Batch"]);
        Assert.Equal(["c:3"], (IReadOnlyList<string>)values["Sensors"]);
        Assert.Equal(TimeSpan.FromSeconds(1), values["FlushInterval"]); // the default
        Assert.False(values.ContainsKey("Gateway")); // no default, not given
    }

    [Fact]
    public void Values_bind_to_the_record_property_of_the_same_name()
    {
        var values = new Dictionary<string, object> { ["Rate"] = 50.0, ["Batch"] = 7L, ["QueueFull"] = "drop-oldest", ["Sensors"] = new[] { "x:1" } };
        var bound = SettingsBinder.Bind(new Sample(), values, CollectorSettings.Group);
        Assert.Equal(new Sample { Rate = 50, Batch = 7, QueueFull = Policy.DropOldest, Sensors = bound.Sensors }, bound);
        Assert.Equal(["x:1"], bound.Sensors);
        Assert.Equal(TimeSpan.FromSeconds(9), bound.FlushInterval); // not given: the baseline's
    }

    [Fact]
    public void Unknown_flags_and_missing_values_are_one_line_errors()
    {
        Assert.Equal("unknown argument '--rat' (see --help)", Assert.Throws<ArgumentException>(() => SettingsCommandLine.Parse(CollectorSettings.Group, ["--rat", "5"])).Message);
        Assert.Equal("--rate needs a value", Assert.Throws<ArgumentException>(() => SettingsCommandLine.Parse(CollectorSettings.Group, ["--rate"])).Message);
    }

    [Fact]
    public void Names_follow_each_group_rule_and_are_unique()
    {
        Assert.Equal(("SENSORSTREAM_MAX_QUEUE_MB", "SensorStream:MaxQueueMb", "limits/maxQueueMb"),
            (CollectorSettings.Group["MaxQueueMb"].EnvVar, CollectorSettings.Group["MaxQueueMb"].ConfigPath, CollectorSettings.Group["MaxQueueMb"].TwinPath));
        Assert.Equal(("GATEWAY_DATA_DIR", "Gateway:DataDir"), (GatewayServerSettings.Group["DataDir"].EnvVar, GatewayServerSettings.Group["DataDir"].ConfigPath));
        Assert.Equal(("GATEWAY_ENDPOINT", "GATEWAY_ENDPOINT"), (CloudHostSettings.Group["GATEWAY_ENDPOINT"].EnvVar, CloudHostSettings.Group["GATEWAY_ENDPOINT"].ConfigPath));
        Assert.Null(CliSettings.Group["Duration"].EnvVar);
        Assert.Equal("setting Rate (--rate, SENSORSTREAM_RATE, appsettings SensorStream:Rate)", CollectorSettings.Group["Rate"].Describe());
        Assert.Throws<ArgumentException>(() => new SettingsGroup("x", null, "X_", false, [Setting.Text("A", "--a", null, "a"), Setting.Text("B", "--a", null, "b")]));
    }
}
