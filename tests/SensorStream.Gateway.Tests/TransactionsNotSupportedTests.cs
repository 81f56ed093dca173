using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Streams.Protocol;

namespace SensorStream.Gateway.Tests;

/// <summary>A server without the transaction RPCs (like a real pravega-grpc-gateway): the client says exactly-once is impossible.</summary>
public sealed class TransactionsNotSupportedTests
{
    /// <summary>Implements nothing: every RPC answers UNIMPLEMENTED, as the generated base class does.</summary>
    private sealed class BareGateway : PravegaGateway.PravegaGatewayBase;

    [Fact]
    public async Task Transaction_calls_throw_TransactionsNotSupportedException()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        await using var app = builder.Build();
        app.MapGrpcService<BareGateway>();
        await app.StartAsync();

        using var client = new GatewayClient(app.Urls.First());
        var stream = new StreamName("a", "b");
        var begin = await Assert.ThrowsAsync<TransactionsNotSupportedException>(() => client.BeginTransactionAsync(stream, TimeSpan.FromMinutes(1)));
        Assert.Contains("does not implement explicit transactions", begin.Message);
        await Assert.ThrowsAsync<TransactionsNotSupportedException>(() => client.CommitTransactionAsync(stream, "t"));
        await Assert.ThrowsAsync<TransactionsNotSupportedException>(() => client.GetTransactionStatusAsync(stream, "t"));
        await Assert.ThrowsAsync<TransactionsNotSupportedException>(() => client.WriteTransactionEventsAsync(stream, "t", [Events.Make("k", 1)]));
        await app.StopAsync();
    }
}
