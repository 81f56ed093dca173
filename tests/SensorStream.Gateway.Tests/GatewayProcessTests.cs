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
}
