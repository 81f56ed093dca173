using SensorStream.Streams.Configuration;

namespace SensorStream.Streams.Tests;

public class DurationTextTests
{
    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("2s", 2_000)]
    [InlineData("1.5m", 90_000)]
    [InlineData("1H", 3_600_000)]
    [InlineData(" 30s ", 30_000)]
    [InlineData("0s", 0)]
    public void Suffixed_durations_mean_the_same_for_every_caller(string text, double milliseconds)
    {
        Assert.True(DurationText.TryParse(text, TimeSpan.FromMilliseconds(1), out var asSetting));
        Assert.True(DurationText.TryParse(text, TimeSpan.FromSeconds(1), out var asFlag));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), asSetting);
        Assert.Equal(asSetting, asFlag);
    }

    [Fact]
    public void A_bare_number_is_read_in_the_callers_unit()
    {
        Assert.True(DurationText.TryParse("60", TimeSpan.FromSeconds(1), out var seconds));
        Assert.Equal(TimeSpan.FromSeconds(60), seconds);
        Assert.True(DurationText.TryParse("60", TimeSpan.FromMilliseconds(1), out var milliseconds));
        Assert.Equal(TimeSpan.FromMilliseconds(60), milliseconds);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("-1s")]
    [InlineData("NaNs")]
    [InlineData("Infinitym")]
    [InlineData("1e300h")]
    [InlineData("5 minutes")]
    [InlineData("1,5s")]
    public void Anything_else_is_refused(string? text) =>
        Assert.False(DurationText.TryParse(text, TimeSpan.FromSeconds(1), out _));
}
