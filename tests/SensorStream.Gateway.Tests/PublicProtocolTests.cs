using Grpc.Core;
using Microsoft.Extensions.Configuration;
using SensorStream.Gateway.Hosting;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Streams.Protocol;

namespace SensorStream.Gateway.Tests;

/// <summary>
/// <c>--protocol public</c>: every extension RPC answers UNIMPLEMENTED (as a real pravega-grpc-gateway does) and the
/// public RPCs behave as in the default mode; the client's batched read falls back to ReadEvents.
/// </summary>
public sealed class PublicProtocolTests
{
    [Fact]
    public async Task Every_extension_rpc_answers_unimplemented_and_the_public_ones_still_work()
    {
        await using var gateway = await TestGateway.StartAsync(s => s with { Protocol = GatewayProtocol.Public });
        var client = gateway.Client;
        var raw = client.Raw;
        var stream = new StreamName("pub", "events");
        await client.EnsureStreamAsync(stream, segments: 2);

        var refused = new List<string>();
        async Task Expect(string name, Func<Task> call)
        {
            var e = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(StatusCode.Unimplemented, e.StatusCode);
            Assert.Contains($"PravegaGateway/{name}", e.Status.Detail);
            refused.Add($"/PravegaGateway/{name}");
        }
        var txn = new TransactionRequest { Scope = stream.Scope, Stream = stream.Stream, TxnId = "00000000000000000000000000000001" };
        await Expect("BeginTransaction", async () => await raw.BeginTransactionAsync(new BeginTransactionRequest { Scope = stream.Scope, Stream = stream.Stream }));
        await Expect("CommitTransaction", async () => await raw.CommitTransactionAsync(txn));
        await Expect("AbortTransaction", async () => await raw.AbortTransactionAsync(txn));
        await Expect("GetTransactionStatus", async () => await raw.GetTransactionStatusAsync(txn));
        await Expect("PingTransaction", async () => await raw.PingTransactionAsync(new PingTransactionRequest { Scope = stream.Scope, Stream = stream.Stream, TxnId = txn.TxnId }));
        await Expect("ListScopes", async () => await raw.ListScopesAsync(new ListScopesRequest()));
        await Expect("NoteTime", async () => await raw.NoteTimeAsync(new NoteTimeRequest { Scope = stream.Scope, Stream = stream.Stream, WriterId = "w", EventTime = 1 }));
        await Expect("ReadEventBatches", async () =>
        {
            using var call = raw.ReadEventBatches(new ReadEventBatchesRequest { Scope = stream.Scope, Stream = stream.Stream });
            await call.ResponseStream.MoveNext(CancellationToken.None);
        });
        await Expect("WriteTransactionEvents", async () =>
        {
            using var call = raw.WriteTransactionEvents();
            await call.ResponseAsync; // the server answers before reading any message
        });
        Assert.Equal(PublicProtocolInterceptor.ExtensionMethods.OrderBy(m => m), refused.OrderBy(m => m));
        // The client's own view: the transaction calls say exactly-once needs another protocol.
        await Assert.ThrowsAsync<TransactionsNotSupportedException>(() => client.BeginTransactionAsync(stream, TimeSpan.FromMinutes(1)));
        Assert.False(await client.NoteTimeAsync(stream, new WriterTime("w", 1)));

        // Public RPCs: a transactional WriteEvents committed by its last message, then read back between cuts.
        var before = await client.GetStreamInfoAsync(stream);
        await client.WriteEventsAsync(stream, Enumerable.Range(0, 5).Select(i => Events.Make("k" + i % 2, i)), useTransaction: true);
        await client.WriteEventsAsync(stream, [Events.Make("k0", 5)]);
        var read = new List<(string, long)>();
        await foreach (var e in client.ReadRangeAsync(stream, before.Tail)) read.Add(Events.Parse(e.Data));
        Assert.Equal(6, read.Count);
        Assert.Equal([0L, 2, 4, 5], read.Where(r => r.Item1 == "k0").Select(r => r.Item2));
        Assert.Equal([1L, 3], read.Where(r => r.Item1 == "k1").Select(r => r.Item2));
        // The batched read falls back to ReadEvents: the same events, one a batch, each with its ReadEvents cut.
        var perEvent = await client.ReadRangeAsync(stream, before.Tail).ToListAsync();
        var batches = await client.ReadEventBatchesAsync(stream, before.Tail, perEvent[^1].CutAfter, 0, 0).ToListAsync();
        Assert.Equal(perEvent.Select(e => Events.Text(e.Data)), batches.Select(b => Events.Text(Assert.Single(b.Events))));
        Assert.Equal(perEvent.Select(e => e.CutAfter.Text), batches.Select(b => b.CutAfter.Text));
        Assert.Equal([stream], await client.ListStreamsAsync(stream.Scope));
        // Readiness probes (the local pipeline's) use the standard gRPC health service, which both modes serve.
        Assert.True(await client.IsServingAsync());
    }

    [Theory]
    [InlineData(null, GatewayProtocol.Extended)]
    [InlineData("public", GatewayProtocol.Public)]
    [InlineData("Extended", GatewayProtocol.Extended)]
    public void The_protocol_setting_reads_public_or_extended(string? value, GatewayProtocol expected)
    {
        using var dir = new TempDirectory();
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:DataDir"] = dir.Path,
            ["Gateway:Protocol"] = value,
        }).Build();
        Assert.Equal(expected, SettingsCatalog.Read(config).Protocol);
    }

    [Fact]
    public void An_unknown_protocol_is_refused_naming_the_setting()
    {
        using var dir = new TempDirectory();
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:DataDir"] = dir.Path,
            ["Gateway:Protocol"] = "pravega",
        }).Build();
        var e = Assert.Throws<ConfigurationError>(() => SettingsCatalog.Read(config));
        Assert.Equal("setting --protocol (GATEWAY_PROTOCOL): 'pravega' is not a protocol (must be one of extended, public)", e.Message);
    }
}
