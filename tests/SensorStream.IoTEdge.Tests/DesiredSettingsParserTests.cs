using System.Text.Json;
using SensorStream.EdgeModule.IoTEdge;

namespace SensorStream.IoTEdge.Tests;

public sealed class DesiredSettingsParserTests
{
    private static (DesiredSettings Settings, Dictionary<string, string> Errors) Parse(string json, DesiredSettings? previous = null)
    {
        using var doc = JsonDocument.Parse(json);
        return DesiredSettingsParser.Parse(doc.RootElement, previous);
    }

    [Fact]
    public void A_full_valid_document_parses_into_every_setting()
    {
        var (settings, errors) = Parse("""
            {"sensors":["nic:eth0","mpu6050:1:0x68","csv:/data/in"],"rateHz":1000,"batchSize":500,"flushIntervalMs":250,
             "stream":"plant1/line-a","limits":{"maxQueueMb":512.5,"queueFull":"drop-oldest"},"healthIntervalSeconds":60,
             "$version":4,"$metadata":{"$lastUpdated":"2026-01-01T00:00:00Z"}}
            """);
        Assert.Empty(errors);
        Assert.Equal(["nic:eth0", "mpu6050:1:0x68", "csv:/data/in"], settings.Sensors);
        Assert.Equal(1000, settings.RateHz);
        Assert.Equal(500, settings.BatchSize);
        Assert.Equal(250, settings.FlushIntervalMs);
        Assert.Equal("plant1/line-a", settings.Stream);
        Assert.Equal(512.5, settings.MaxQueueMb);
        Assert.Equal("drop-oldest", settings.QueueFull);
        Assert.Equal(60, settings.HealthIntervalSeconds);
    }

    [Theory]
    [InlineData("""{"sensors":5}""", "sensors", "must be an array")]
    [InlineData("""{"sensors":["nic:eth0",5]}""", "sensors", "every entry must be a string")]
    [InlineData("""{"sensors":[]}""", "sensors", "at least one")]
    [InlineData("""{"sensors":["nic"]}""", "sensors", "not kind:arguments")]
    [InlineData("""{"sensors":["nic:eth0","NIC:eth0"]}""", "sensors", "listed twice")]
    [InlineData("""{"rateHz":"fast"}""", "rateHz", "must be a number")]
    [InlineData("""{"rateHz":20001}""", "rateHz", "between 1 and 20000 Hz")]
    [InlineData("""{"rateHz":0.5}""", "rateHz", "between 1 and 20000 Hz")] // the collector's bound: the twin no longer lets through what the collector refuses
    [InlineData("""{"batchSize":46092}""", "batchSize", "between 1 and 46091")] // the collector's bound, was 1,000,000 here
    [InlineData("""{"batchSize":0}""", "batchSize", "between 1 and")]
    [InlineData("""{"batchSize":1.5}""", "batchSize", "integer")]
    [InlineData("""{"batchSize":10000000000}""", "batchSize", "between 1 and")] // DesiredSettingsParserFuzzTests seed 20260317 case 17: was "must be an integer"
    [InlineData("""{"flushIntervalMs":5}""", "flushIntervalMs", "between 10 and")]
    [InlineData("""{"stream":"no-slash"}""", "stream", "scope/stream")]
    [InlineData("""{"stream":"a/b c"}""", "stream", "contains ' '")]
    [InlineData("""{"limits":{"maxQueueMb":0}}""", "limits/maxQueueMb", "at least 0.01 MiB")]
    [InlineData("""{"limits":{"queueFull":"block"}}""", "limits/queueFull", "reject, drop-oldest")]
    [InlineData("""{"limits":{"maxEvents":1}}""", "limits/maxEvents", "unknown property")]
    [InlineData("""{"limits":3}""", "limits", "must be an object")]
    [InlineData("""{"healthIntervalSeconds":1}""", "healthIntervalSeconds", "between 10 and 3600")]
    [InlineData("""{"rate":100}""", "rate", "unknown property")]
    public void A_bad_value_is_refused_under_its_own_name(string json, string property, string reason)
    {
        var (_, errors) = Parse(json);
        var (name, message) = Assert.Single(errors);
        Assert.Equal(property, name);
        Assert.Contains(reason, message);
    }

    [Fact]
    public void Sensors_may_also_come_as_one_comma_separated_string()
    {
        var (settings, errors) = Parse("""{"sensors":"nic:eth0, mpu6050:1:0x68"}""");
        Assert.Empty(errors);
        Assert.Equal(["nic:eth0", "mpu6050:1:0x68"], settings.Sensors);
    }

    [Fact]
    public void A_refused_value_keeps_the_previously_accepted_one_and_others_still_apply()
    {
        var previous = new DesiredSettings { RateHz = 500, BatchSize = 100, Stream = "a/b" };
        var (settings, errors) = Parse("""{"rateHz":-1,"batchSize":200,"stream":"a/b"}""", previous);
        Assert.Equal(["rateHz"], errors.Keys);
        Assert.Equal(500, settings.RateHz);
        Assert.Equal(200, settings.BatchSize);
    }

    [Fact]
    public void Nulls_and_absent_properties_fall_back_to_the_module_configuration()
    {
        var (settings, errors) = Parse("""{"rateHz":null}""", new DesiredSettings { RateHz = 500 });
        Assert.Empty(errors);
        Assert.Equal(new DesiredSettings(), settings);
    }

    [Fact]
    public void Settings_round_trip_through_their_twin_json()
    {
        var settings = new DesiredSettings { Sensors = ["nic:eth0"], RateHz = 100, BatchSize = 10, FlushIntervalMs = 100, Stream = "s/t", MaxQueueMb = 2.5, QueueFull = "reject", HealthIntervalSeconds = 30 };
        using var doc = JsonDocument.Parse(settings.ToJson().ToJsonString());
        var (parsed, errors) = DesiredSettingsParser.Parse(doc.RootElement);
        Assert.Empty(errors);
        Assert.Equal(settings.ToJson().ToJsonString(), parsed.ToJson().ToJsonString());
    }
}
