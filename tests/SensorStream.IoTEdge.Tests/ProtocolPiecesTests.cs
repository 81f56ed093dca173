using System.Text.Json.Nodes;
using SensorStream.EdgeModule.IoTEdge;

namespace SensorStream.IoTEdge.Tests;

/// <summary>Topic parsing, merge patches, reported-error bookkeeping and back-off.</summary>
public sealed class ProtocolPiecesTests
{
    [Fact]
    public void Topics_are_built_and_parsed_exactly()
    {
        Assert.Equal("$iothub/twin/GET/?$rid=7", IoTHubTopics.TwinGet("7"));
        Assert.Equal("$iothub/twin/PATCH/properties/reported/?$rid=8", IoTHubTopics.ReportedPatch("8"));
        Assert.Equal("$iothub/methods/res/404/?$rid=a1", IoTHubTopics.MethodResponse(404, "a1"));

        Assert.True(IoTHubTopics.TryParseTwinResponse("$iothub/twin/res/204/?$rid=8&$version=5", out var status, out var rid));
        Assert.Equal((204, "8"), (status, rid));
        Assert.False(IoTHubTopics.TryParseTwinResponse("$iothub/twin/res/xx/?$rid=8", out _, out _));

        Assert.True(IoTHubTopics.TryParseDesiredPatch("$iothub/twin/PATCH/properties/desired/?$version=12", out var version));
        Assert.Equal(12, version);

        Assert.True(IoTHubTopics.TryParseMethodRequest("$iothub/methods/POST/flush/?$rid=ff", out var name, out var methodRid));
        Assert.Equal(("flush", "ff"), (name, methodRid));
        Assert.False(IoTHubTopics.TryParseMethodRequest("$iothub/methods/POST/flush/", out _, out _));
    }

    [Fact]
    public void Merge_patch_merges_objects_deletes_nulls_and_replaces_arrays()
    {
        var target = JsonNode.Parse("""{"a":1,"limits":{"maxQueueMb":5,"x":1},"sensors":["a:1","b:2"]}""")!.AsObject();
        JsonMergePatch.Apply(target, JsonNode.Parse("""{"a":null,"limits":{"x":null,"y":2},"sensors":["c:3"]}""")!.AsObject());
        Assert.Equal("""{"limits":{"maxQueueMb":5,"y":2},"sensors":["c:3"]}""", target.ToJsonString());
    }

    [Fact]
    public void Reported_errors_that_went_away_are_reported_as_null_once()
    {
        var reported = new ReportedProperties();
        var now = DateTimeOffset.UnixEpoch;
        reported.AfterApply(1, new JsonObject(), new Dictionary<string, string> { ["rateHz"] = "bad", ["limits/maxQueueMb"] = "small" }, now);
        var second = reported.AfterApply(2, new JsonObject(), new Dictionary<string, string> { ["rateHz"] = "still bad" }, now);
        Assert.Equal("""{"limits/maxQueueMb":null,"rateHz":"still bad"}""", second["configStatus"]!["errors"]!.ToJsonString());
        var third = reported.AfterApply(3, new JsonObject(), new Dictionary<string, string>(), now);
        Assert.Equal("""{"rateHz":null}""", third["configStatus"]!["errors"]!.ToJsonString());
        var fourth = reported.AfterApply(4, new JsonObject(), new Dictionary<string, string>(), now);
        Assert.Equal("{}", fourth["configStatus"]!["errors"]!.ToJsonString());
    }

    [Theory]
    [InlineData(0, 1.0, 0)]
    [InlineData(1, 1.0, 1000)]
    [InlineData(2, 1.0, 2000)]
    [InlineData(4, 1.0, 8000)]
    [InlineData(7, 1.0, 60000)]
    [InlineData(100, 1.0, 60000)]
    [InlineData(100, 0.0, 30000)]
    public void Backoff_doubles_up_to_the_cap_with_jitter_down_to_half(int failures, double jitter, int expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), Backoff.Delay(failures, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), jitter));
    }
}
