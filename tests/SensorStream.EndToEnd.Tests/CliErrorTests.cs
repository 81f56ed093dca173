namespace SensorStream.EndToEnd.Tests;

/// <summary>Bad arguments get one clear message naming the argument, and a non-zero exit code.</summary>
public class CliErrorTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("--to: 'out.txt' must end with .png", "plot", "edge/sensors", "--to", "out.txt")]
    [InlineData("--to FILE.png is required", "plot", "edge/sensors")]
    [InlineData("is not a stream name", "verify", "nostream")]
    [InlineData("contains ' '", "tail", "edge/bad name")]
    [InlineData("--gateway: 'ftp://x' is not an http:// or https:// URL", "verify", "edge/s", "--gateway", "ftp://x")]
    [InlineData("--count must be a positive number", "tail", "edge/s", "--count", "0")]
    [InlineData("--duration: 'soon' is not a duration", "run", "--duration", "soon")]
    [InlineData("--rate: 0 Hz is outside 1..10000", "run", "--rate", "0")]
    [InlineData("--format: 'xml' is not csv, parquet or all", "export", "get", "edge/s", "--to", "x", "--format", "xml")]
    [InlineData("--token-file: '/nonexistent/token' does not exist", "verify", "edge/s", "--token-file", "/nonexistent/token")]
    public async Task Bad_arguments_get_a_clear_error(string message, params string[] args)
    {
        var result = await CliRun.RunAsync(Timeout, args);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.All);
    }

    [Fact]
    public async Task Unreachable_gateway_is_reported_not_thrown_as_a_stack_trace()
    {
        var result = await CliRun.RunAsync(Timeout, "verify", "edge/s", "--gateway", "http://127.0.0.1:1");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("127.0.0.1:1", result.All);
        Assert.DoesNotContain("   at ", result.All);
    }
}
