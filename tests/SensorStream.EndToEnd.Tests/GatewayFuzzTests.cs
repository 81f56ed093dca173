using System.Text;
using Google.Protobuf;
using Grpc.Core;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Streams.Protocol;
using SensorStream.Testing;

namespace SensorStream.EndToEnd.Tests;

/// <summary>
/// Property test over the gateway's gRPC surface: random names, cuts, transaction ids, pointers and event sizes
/// never crash it, always get a clear client-side status (never INTERNAL/UNKNOWN), and never disturb accepted data.
/// Seeded, so a failure reproduces.
/// </summary>
public sealed class GatewayFuzzTests : IAsyncLifetime
{
    private const int Seed = 20261126;
    private static readonly StatusCode[] ClearErrors =
        [StatusCode.InvalidArgument, StatusCode.NotFound, StatusCode.FailedPrecondition, StatusCode.OutOfRange, StatusCode.AlreadyExists];

    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), $"sensorstream-fuzz-{Guid.NewGuid():N}");
    private GatewayProcess _gateway = null!;
    private GatewayClient _client = null!;
    private readonly StreamName _stream = new("fuzz", "accepted");
    private StreamCut _tail = new();

    public async Task InitializeAsync()
    {
        _gateway = await GatewayProcess.StartAsync(_dataDir);
        _client = new GatewayClient(new GatewayClientOptions { Endpoint = _gateway.Endpoint, MaxRetryAttempts = 0 });
        await _client.EnsureStreamAsync(_stream);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task Random_requests_get_clear_errors_and_never_touch_accepted_data()
    {
        var accepted = Enumerable.Range(0, 20).Select(i => new OutgoingEvent($"key-{i % 3}", Encoding.UTF8.GetBytes($"accepted-{i}"))).ToList();
        await _client.WriteEventsAsync(_stream, accepted);
        var before = await ReadAllAsync();
        Assert.Equal(accepted.Select(e => Encoding.UTF8.GetString(e.Data.Span)).Order(), before.Order());

        var random = new Random(Seed);
        var rpc = _client.Raw;
        _tail = (await _client.GetStreamInfoAsync(_stream)).Tail;
        var outcomes = new Dictionary<string, int>();
        for (var i = 0; i < 300; i++)
        {
            var (name, call) = RandomCall(random, rpc);
            try
            {
                await call();
                outcomes[$"{name}:OK"] = outcomes.GetValueOrDefault($"{name}:OK") + 1;
            }
            catch (RpcException e)
            {
                Assert.True(ClearErrors.Contains(e.StatusCode), $"iteration {i} ({name}) got {e.StatusCode}: {e.Status.Detail} (seed {Seed})");
                Assert.False(string.IsNullOrWhiteSpace(e.Status.Detail), $"iteration {i} ({name}): {e.StatusCode} without a message");
                outcomes[$"{name}:{e.StatusCode}"] = outcomes.GetValueOrDefault($"{name}:{e.StatusCode}") + 1;
            }
            Assert.False(_gateway.HasExited, $"gateway died at iteration {i} ({name}):\n{_gateway.OutputText}");
        }
        Assert.True(outcomes.Keys.Count(k => !k.EndsWith(":OK")) >= 5, string.Join(", ", outcomes));
        Assert.Equal(before, await ReadAllAsync());
    }

    private async Task<List<string>> ReadAllAsync()
    {
        var events = new List<string>();
        await foreach (var e in _client.ReadRangeAsync(_stream)) events.Add(Encoding.UTF8.GetString(e.Data.Span));
        return events;
    }

    private (string Name, Func<Task> Call) RandomCall(Random random, PravegaGateway.PravegaGatewayClient rpc)
    {
        var scope = RandomName(random);
        var stream = RandomName(random);
        var cut = new StreamCut { Text = RandomText(random) };
        switch (random.Next(10))
        {
            case 0: return ("CreateScope", async () => await rpc.CreateScopeAsync(new CreateScopeRequest { Scope = scope }));
            case 1: return ("CreateStream", async () => await rpc.CreateStreamAsync(new CreateStreamRequest
            {
                Scope = scope, Stream = stream,
                ScalingPolicy = new ScalingPolicy { MinNumSegments = random.Next(-5, 2000) },
            }));
            case 2: return ("ReadEvents", async () =>
            {
                using var call = rpc.ReadEvents(new ReadEventsRequest { Scope = _stream.Scope, Stream = _stream.Stream, FromStreamCut = cut,
                    // An empty (unbounded) end would tail forever: bound the read at the current tail instead.
                    ToStreamCut = cut.Text.Length == 0 ? _tail : cut });
                await foreach (var _ in call.ResponseStream.ReadAllAsync()) { }
            });
            case 3: return ("TruncateStream(accepted, random cut)", async () =>
                await rpc.TruncateStreamAsync(new TruncateStreamRequest { Scope = "fuzz-other", Stream = stream, StreamCut = cut }));
            case 4: return ("FetchEvent", async () => await rpc.FetchEventAsync(new FetchEventRequest
            {
                Scope = _stream.Scope, Stream = _stream.Stream,
                EventPointer = new EventPointer { Bytes = ByteString.CopyFrom(RandomBytes(random)) },
            }));
            case 5: return ("CommitTransaction", async () => await rpc.CommitTransactionAsync(new TransactionRequest
            {
                Scope = _stream.Scope, Stream = _stream.Stream, TxnId = RandomText(random),
            }));
            case 6: return ("GetTransactionStatus", async () => await rpc.GetTransactionStatusAsync(new TransactionRequest
            {
                Scope = scope, Stream = stream, TxnId = RandomText(random),
            }));
            case 7: return ("WriteTransactionEvents", async () =>
            {
                using var call = rpc.WriteTransactionEvents();
                await call.RequestStream.WriteAsync(new WriteTransactionEventsRequest
                {
                    Scope = _stream.Scope, Stream = _stream.Stream, TxnId = RandomText(random),
                    Event = ByteString.CopyFrom(new byte[random.Next(0, 2) == 0 ? 10 : 1024 * 1024 + 1]),
                });
                await call.RequestStream.CompleteAsync();
                await call;
            });
            case 8: return ("WriteEvents(oversized into other stream)", async () =>
            {
                using var call = rpc.WriteEvents();
                await call.RequestStream.WriteAsync(new WriteEventsRequest
                {
                    Scope = "fuzz-other", Stream = stream, Event = ByteString.CopyFrom(new byte[1024 * 1024 + 1 + random.Next(100)]),
                });
                await call.RequestStream.CompleteAsync();
                await call;
            });
            default: return ("GetStreamInfo", async () => await rpc.GetStreamInfoAsync(new GetStreamInfoRequest { Scope = scope, Stream = stream }));
        }
    }

    private static string RandomName(Random random) => random.Next(6) switch
    {
        0 => "",
        1 => "..",
        2 => "../../etc",
        3 => new string('a', random.Next(250, 300)),
        4 => "bad name/" + random.Next(),
        _ => "fuzz" + random.Next(1000),
    };

    private static string RandomText(Random random) => random.Next(4) switch
    {
        0 => "",
        1 => Convert.ToBase64String(RandomBytes(random)),
        2 => Encoding.Latin1.GetString(RandomBytes(random)),
        _ => Guid.NewGuid().ToString(),
    };

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 64)];
        random.NextBytes(bytes);
        return bytes;
    }
}
