using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Testing;

namespace SensorStream.Gateway.Tests;

/// <summary>The real executable: start, serve, graceful SIGTERM, restart on the same data directory.</summary>
public sealed class GatewayProcessTests
{
    [Fact]
    public async Task Serves_stops_on_sigterm_and_keeps_data_across_restart()
    {
        using var dir = new TempDirectory();
        var stream = new StreamName("proc", "s1");
        await using (var gateway = await GatewayProcess.StartAsync(dir.Path))
        {
            Assert.Contains(gateway.OutputLines, l => l.Contains("Listening") && l.Contains($"127.0.0.1:{gateway.Port}"));
            using var client = new GatewayClient(gateway.Endpoint.ToString());
            await client.EnsureStreamAsync(stream);
            var txn = await client.BeginTransactionAsync(stream, TimeSpan.FromMinutes(1));
            await client.WriteTransactionEventsAsync(stream, txn, [new OutgoingEvent("k", "hello"u8.ToArray())]);
            Assert.Equal(TransactionState.Committed, await client.CommitTransactionAsync(stream, txn));
            Assert.Equal(0, await gateway.StopAsync(TimeSpan.FromSeconds(30)));
        }
        await using (var gateway = await GatewayProcess.StartAsync(dir.Path))
        {
            using var client = new GatewayClient(gateway.Endpoint.ToString());
            var events = await client.ReadRangeAsync(stream).ToListAsync();
            Assert.Equal(["hello"], events.Select(e => System.Text.Encoding.UTF8.GetString(e.Data.Span)));
        }
    }

    [Fact]
    public async Task Bad_setting_exits_non_zero_with_one_line_naming_it()
    {
        using var dir = new TempDirectory();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            GatewayProcess.StartAsync(dir.Path, ["--default-lease-ms", "soon"], startTimeout: TimeSpan.FromSeconds(30)));
        Assert.Contains("--default-lease-ms", error.Message);
        Assert.Contains("exited with code 2", error.Message);
    }

    [Fact]
    public async Task A_second_gateway_on_the_same_data_directory_or_port_exits_with_one_line_naming_what_is_taken()
    {
        using var dir = new TempDirectory();
        using var other = new TempDirectory();
        await using var first = await GatewayProcess.StartAsync(dir.Path);

        // Same data directory (same port or not): its lock refuses first, exit 4.
        foreach (var port in new int?[] { first.Port, null })
        {
            var (code, output) = await GatewayProcess.RunUntilExitAsync(dir.Path, port: port);
            Assert.True(code == 4, $"exit {code}:\n{output}");
            Assert.Contains($"error: {first.DataDir} is in use by another process", output);
            Assert.DoesNotContain("   at ", output);
        }

        // Another data directory on the same port: exit 5, one line naming the address (no stack trace).
        var (portCode, portOutput) = await GatewayProcess.RunUntilExitAsync(other.Path, port: first.Port);
        Assert.True(portCode == 5, $"exit {portCode}:\n{portOutput}");
        Assert.Single(portOutput.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains($"error: setting --urls (GATEWAY_URLS): http://127.0.0.1:{first.Port} is in use by another process", portOutput);
        Assert.DoesNotContain("   at ", portOutput);
        Assert.DoesNotContain("Exception", portOutput);

        // The first one was left alone.
        using var client = new GatewayClient(first.Endpoint.ToString());
        await client.EnsureStreamAsync(new StreamName("twice", "s"));
        Assert.False(first.HasExited);
    }
}
