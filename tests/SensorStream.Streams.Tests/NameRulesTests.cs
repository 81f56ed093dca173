using SensorStream.Streams.Naming;

namespace SensorStream.Streams.Tests;

public class NameRulesTests
{
    [Theory]
    [InlineData("sensors")]
    [InlineData("edge-01.site.a")]
    [InlineData("A1")]
    public void Accepts_pravega_names(string name) => Assert.Null(NameRules.Problem(name, "stream"));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("..", "reserved")]
    [InlineData(".", "reserved")]
    [InlineData("a/b", "'/'")]
    [InlineData("a\\b", "'\\'")]
    [InlineData("a b", "' '")]
    [InlineData("naïve", "'ï'")]
    public void Rejects_bad_names_saying_why(string name, string reason)
    {
        var problem = NameRules.Problem(name, "stream");
        Assert.NotNull(problem);
        Assert.Contains(reason, problem);
    }

    [Fact]
    public void Rejects_overlong_names() =>
        Assert.Contains("longer than 255", NameRules.Problem(new string('a', 256), "scope"));

    [Fact]
    public void Parses_scope_slash_stream()
    {
        var name = StreamName.Parse("edge/sensors");
        Assert.Equal(new StreamName("edge", "sensors"), name);
        Assert.Equal("edge/sensors", name.ToString());
    }

    [Theory]
    [InlineData("nostream")]
    [InlineData("/x")]
    [InlineData("x/")]
    [InlineData("a/b/c")]
    public void Rejects_malformed_stream_names(string text) => Assert.Throws<FormatException>(() => StreamName.Parse(text));
}
