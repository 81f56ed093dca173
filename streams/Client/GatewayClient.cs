using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Polly;
using SensorStream.Streams.Naming;
using SensorStream.Streams.Protocol;

namespace SensorStream.Streams.Client;

/// <summary>
/// Typed async client of the gateway protocol. Idempotent calls retry on UNAVAILABLE; writes do not
/// (a retried write could duplicate events: callers recover through transactions instead).
/// </summary>
public sealed class GatewayClient : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly PravegaGateway.PravegaGatewayClient _rpc;
    private readonly CallInvoker _invoker;
    private readonly ResiliencePipeline _retry;
    private readonly GatewayClientOptions _options;

    public GatewayClient(GatewayClientOptions options)
    {
        _options = options;
        _channel = GrpcChannel.ForAddress(options.Endpoint, ChannelOptions(options));
        _invoker = _channel.CreateCallInvoker();
        _rpc = new PravegaGateway.PravegaGatewayClient(_invoker);
        _retry = TransientRetry.Create(options.MaxRetryAttempts);
    }

    public GatewayClient(string endpoint) : this(new GatewayClientOptions { Endpoint = new Uri(endpoint) }) { }

    public Uri Endpoint => _options.Endpoint;

    /// <summary>The generated stub, for RPCs this wrapper does not cover.</summary>
    public PravegaGateway.PravegaGatewayClient Raw => _rpc;

    private static GrpcChannelOptions ChannelOptions(GatewayClientOptions options)
    {
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true };
        if (options.TrustedCertificateFile is { } pem)
        {
            var trusted = X509CertificateLoader.LoadCertificateFromFile(pem);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, errors) =>
                errors == System.Net.Security.SslPolicyErrors.None ||
                (cert is not null && TrustsChain(trusted, cert));
        }
        var channel = new GrpcChannelOptions
        {
            HttpHandler = handler,
            MaxReceiveMessageSize = 16 * 1024 * 1024,
            MaxSendMessageSize = 16 * 1024 * 1024,
            // The channel's own reconnect back-off grows to 120 s by default: a collector started before its gateway
            // then stayed away ~50 s after the gateway was up. Callers retry with their own (shorter) back-off.
            MaxReconnectBackoff = TimeSpan.FromSeconds(5),
        };
        if (options.AuthToken is { Length: > 0 } token)
        {
            channel.Credentials = ChannelCredentials.Create(
                options.Endpoint.Scheme == Uri.UriSchemeHttps ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure,
                CallCredentials.FromInterceptor((_, metadata) =>
                {
                    metadata.Add("Authorization", $"Bearer {token}");
                    return Task.CompletedTask;
                }));
            channel.UnsafeUseInsecureChannelCallCredentials = options.Endpoint.Scheme != Uri.UriSchemeHttps;
        }
        return channel;
    }

    private static bool TrustsChain(X509Certificate2 trusted, X509Certificate cert)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(new X509Certificate2(cert));
    }

    private CallOptions Call(CancellationToken ct) => new(deadline: DateTime.UtcNow + _options.CallTimeout, cancellationToken: ct);

    private Task<T> Retry<T>(Func<CancellationToken, Task<T>> call, CancellationToken ct) =>
        _retry.ExecuteAsync(async token => await call(token).ConfigureAwait(false), ct).AsTask();

    // ---- health ----

    /// <summary>
    /// The gateway's overall health through the standard gRPC health service (<c>grpc.health.v1.Health/Check</c>,
    /// service ""): true when it answers SERVING, false for NOT_SERVING (e.g. its disk is full). Works whatever
    /// protocol the gateway serves and without a token (the health service is exempt). Not retried: a readiness probe
    /// polls it. Throws <see cref="RpcException"/> when the gateway does not answer.
    /// </summary>
    public async Task<bool> IsServingAsync(CancellationToken ct = default)
    {
        var reply = await new Health.HealthClient(_channel).CheckAsync(new HealthCheckRequest(), Call(ct)).ConfigureAwait(false);
        return reply.Status == HealthCheckResponse.Types.ServingStatus.Serving;
    }

    // ---- scopes and streams ----

    public Task<bool> CreateScopeAsync(string scope, CancellationToken ct = default) =>
        Retry(async t => (await _rpc.CreateScopeAsync(new CreateScopeRequest { Scope = scope }, Call(t))).Created, ct);

    /// <summary>Creates the stream with a fixed number of segments; false when it already existed.</summary>
    public Task<bool> CreateStreamAsync(StreamName stream, int segments = 1, RetentionPolicy? retention = null, CancellationToken ct = default) =>
        Retry(async t => (await _rpc.CreateStreamAsync(new CreateStreamRequest
        {
            Scope = stream.Scope,
            Stream = stream.Stream,
            ScalingPolicy = new ScalingPolicy { ScaleType = ScalingPolicy.Types.ScalingPolicyType.FixedNumSegments, MinNumSegments = segments },
            RetentionPolicy = retention,
        }, Call(t))).Created, ct);

    /// <summary>Creates the scope and the stream when missing.</summary>
    public async Task EnsureStreamAsync(StreamName stream, int segments = 1, CancellationToken ct = default)
    {
        await CreateScopeAsync(stream.Scope, ct).ConfigureAwait(false);
        await CreateStreamAsync(stream, segments, null, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Scales the stream to <paramref name="segments"/> segments (UpdateStream with a fixed scaling policy: a new epoch
    /// over the whole key space, the current segments sealed; retention stays as given, null = none).
    /// </summary>
    public Task<bool> ScaleStreamAsync(StreamName stream, int segments, RetentionPolicy? retention = null, CancellationToken ct = default) =>
        Retry(async t => (await _rpc.UpdateStreamAsync(new UpdateStreamRequest
        {
            Scope = stream.Scope,
            Stream = stream.Stream,
            ScalingPolicy = new ScalingPolicy { ScaleType = ScalingPolicy.Types.ScalingPolicyType.FixedNumSegments, MinNumSegments = segments },
            RetentionPolicy = retention,
        }, Call(t))).Updated, ct);

    /// <summary>
    /// Every scope, through ListScopes — a SensorStream extension: a public pravega-grpc-gateway (or ours with
    /// <c>--protocol public</c>) answers UNIMPLEMENTED, so callers that must work against one name their streams instead.
    /// </summary>
    public Task<IReadOnlyList<string>> ListScopesAsync(CancellationToken ct = default) =>
        Retry<IReadOnlyList<string>>(async t => (await _rpc.ListScopesAsync(new ListScopesRequest(), Call(t))).Scopes.ToList(), ct);

    public Task<IReadOnlyList<StreamName>> ListStreamsAsync(string scope, CancellationToken ct = default) =>
        Retry<IReadOnlyList<StreamName>>(async t =>
        {
            using var call = _rpc.ListStreams(new ListStreamsRequest { Scope = scope }, Call(t));
            var result = new List<StreamName>();
            await foreach (var item in call.ResponseStream.ReadAllAsync(t)) result.Add(new StreamName(item.Scope, item.Stream));
            return result;
        }, ct);

    public Task<StreamBounds> GetStreamInfoAsync(StreamName stream, CancellationToken ct = default) =>
        Retry(async t =>
        {
            var info = await _rpc.GetStreamInfoAsync(new GetStreamInfoRequest { Scope = stream.Scope, Stream = stream.Stream }, Call(t));
            return new StreamBounds(info.HeadStreamCut, info.TailStreamCut)
            {
                Watermark = info.Watermark is { } w ? new EventTimeWatermark(w.LowerTimeBound, w.UpperTimeBound, w.StreamCut) : null,
                Scaling = info.Scaling,
            };
        }, ct);

    public Task<bool> TruncateStreamAsync(StreamName stream, StreamCut cut, CancellationToken ct = default) =>
        Retry(async t => (await _rpc.TruncateStreamAsync(new TruncateStreamRequest { Scope = stream.Scope, Stream = stream.Stream, StreamCut = cut }, Call(t))).Truncated, ct);

    public Task DeleteStreamAsync(StreamName stream, CancellationToken ct = default) =>
        Retry(async t => await _rpc.DeleteStreamAsync(new DeleteStreamRequest { Scope = stream.Scope, Stream = stream.Stream }, Call(t)), ct);

    // ---- reading ----

    /// <summary>
    /// Reads events from <paramref name="from"/> (null = head). With <paramref name="to"/> set the read ends there;
    /// without it, it tails the stream until cancelled. Not retried: resume from the last event's <see cref="StreamEvent.CutAfter"/>.
    /// </summary>
    public async IAsyncEnumerable<StreamEvent> ReadEventsAsync(StreamName stream, StreamCut? from = null, StreamCut? to = null,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        using var call = _rpc.ReadEvents(new ReadEventsRequest
        {
            Scope = stream.Scope,
            Stream = stream.Stream,
            FromStreamCut = from ?? new StreamCut(),
            ToStreamCut = to ?? new StreamCut(),
        }, cancellationToken: ct);
        await foreach (var e in call.ResponseStream.ReadAllAsync(ct).ConfigureAwait(false))
            yield return new StreamEvent(e.Event.Memory, e.StreamCut, e.EventPointer);
    }

    /// <summary>
    /// Reads as <see cref="ReadEventsAsync"/> does, many events per message (ReadEventBatches, a SensorStream addition):
    /// each batch holds at most <paramref name="maxEvents"/> events and <paramref name="maxBytes"/> event bytes (0 = the
    /// gateway's default; it may lower larger values; an event is never split and the first always fits), with the cut
    /// after its last event. A gateway without the RPC (a public pravega-grpc-gateway, ours with <c>--protocol
    /// public</c>, an older one) answers UNIMPLEMENTED before any event: the read then goes through ReadEvents, one
    /// event per batch. Not retried: resume from the last batch's <see cref="StreamEventBatch.CutAfter"/>. Throws
    /// <see cref="InvalidDataException"/> when a response's sizes do not add up to its data. A batch's events are slices of
    /// one pooled array (<see cref="PooledEventBatchResponse"/>, copied once from the receive buffer): dispose the batch
    /// when done with its events to return it.
    /// </summary>
    public async IAsyncEnumerable<StreamEventBatch> ReadEventBatchesAsync(StreamName stream, StreamCut? from, StreamCut? to,
        int maxEvents, int maxBytes, [EnumeratorCancellation] CancellationToken ct = default)
    {
        using var call = _invoker.AsyncServerStreamingCall(PooledEventBatchResponse.Method, null, new CallOptions(cancellationToken: ct), new ReadEventBatchesRequest
        {
            Scope = stream.Scope,
            Stream = stream.Stream,
            FromStreamCut = from ?? new StreamCut(),
            ToStreamCut = to ?? new StreamCut(),
            MaxEvents = maxEvents,
            MaxBytes = maxBytes,
        });
        var responses = call.ResponseStream;
        bool more, batched = true;
        try
        {
            more = await responses.MoveNext(ct).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unimplemented)
        {
            (more, batched) = (false, false);
        }
        if (!batched)
        {
            await foreach (var e in ReadEventsAsync(stream, from, to, ct).ConfigureAwait(false))
                yield return new StreamEventBatch([e.Data], e.Data.Length, e.CutAfter);
            yield break;
        }
        while (more)
        {
            yield return Unpack(responses.Current);
            more = await responses.MoveNext(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Slices a response's data into its events (no copies); the batch owns the response's rented array.</summary>
    private static StreamEventBatch Unpack(PooledEventBatchResponse response)
    {
        var data = response.Data.AsMemory(0, response.Length);
        var sizes = response.Rest.Sizes;
        var events = new ReadOnlyMemory<byte>[sizes.Count];
        var at = 0;
        for (var i = 0; i < events.Length; i++)
        {
            var size = sizes[i];
            if (size < 0 || size > data.Length - at)
                throw new InvalidDataException($"ReadEventBatches response: event {i} of {events.Length} announces {size} bytes, {data.Length - at} of {data.Length} left");
            events[i] = data.Slice(at, size);
            at += size;
        }
        if (at != data.Length)
            throw new InvalidDataException($"ReadEventBatches response: its {events.Length} sizes add up to {at} bytes, its data has {data.Length}");
        return new StreamEventBatch(events, at, response.Rest.StreamCut, response.Data);
    }

    /// <summary>Reads everything between two cuts (from null = head, to null = current tail) and returns.</summary>
    public async IAsyncEnumerable<StreamEvent> ReadRangeAsync(StreamName stream, StreamCut? from = null, StreamCut? to = null,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        to ??= (await GetStreamInfoAsync(stream, ct).ConfigureAwait(false)).Tail;
        await foreach (var e in ReadEventsAsync(stream, from, to, ct).ConfigureAwait(false)) yield return e;
    }

    public Task<ReadOnlyMemory<byte>> FetchEventAsync(StreamName stream, EventPointer pointer, CancellationToken ct = default) =>
        Retry(async t => (await _rpc.FetchEventAsync(new FetchEventRequest { Scope = stream.Scope, Stream = stream.Stream, EventPointer = pointer }, Call(t))).Event.Memory, ct);

    // ---- writing ----

    /// <summary>
    /// Append through the compatible WriteEvents RPC. Without <paramref name="useTransaction"/> the gateway appends
    /// each event as it arrives (durable and visible before the call ends; a failed or cancelled call keeps what the
    /// gateway received, its error says how much); with it, all events go into one transaction (all or nothing).
    /// </summary>
    public async Task WriteEventsAsync(StreamName stream, IEnumerable<OutgoingEvent> events, bool useTransaction = false, CancellationToken ct = default)
    {
        using var call = _rpc.WriteEvents(cancellationToken: ct);
        await SendEventsAsync(call, events, (e, first) => new WriteEventsRequest
        {
            Scope = first ? stream.Scope : "",
            Stream = first ? stream.Stream : "",
            UseTransaction = useTransaction,
            RoutingKey = e.RoutingKey,
            Event = UnsafeByteOperations.UnsafeWrap(e.Data),
        }, ct).ConfigureAwait(false);
        await call.ResponseAsync.ConfigureAwait(false);
    }

    /// <summary>
    /// One transaction of the public protocol: a single WriteEvents call with use_transaction=true on every message and
    /// commit=true on the last, which a Pravega gateway (and ours) turns into one atomic Pravega transaction. Returns
    /// once the call succeeded (the commit is then decided); throws when the call fails or passes <paramref name="deadline"/>
    /// (UTC), in which case the outcome is unknown: the events may or may not commit. Not retried.
    /// </summary>
    public async Task WriteTransactionAsync(StreamName stream, IReadOnlyList<OutgoingEvent> events, DateTime deadline, CancellationToken ct = default)
    {
        if (events.Count == 0) throw new ArgumentException("a transaction needs at least one event", nameof(events));
        using var call = _rpc.WriteEvents(deadline: deadline, cancellationToken: ct);
        call.RequestStream.WriteOptions = new WriteOptions(WriteFlags.BufferHint);
        var index = 0;
        await SendEventsAsync(call, events, (e, first) => new WriteEventsRequest
        {
            Scope = first ? stream.Scope : "",
            Stream = first ? stream.Stream : "",
            UseTransaction = true,
            Commit = ++index == events.Count,
            RoutingKey = e.RoutingKey,
            Event = UnsafeByteOperations.UnsafeWrap(e.Data),
        }, ct).ConfigureAwait(false);
        await call.ResponseAsync.ConfigureAwait(false);
    }

    // ---- explicit transactions ----

    /// <summary>Opens a transaction; it aborts unless committed or pinged within <paramref name="lease"/>.</summary>
    public Task<string> BeginTransactionAsync(StreamName stream, TimeSpan lease, CancellationToken ct = default) =>
        Transactional(() => Retry(async t => (await _rpc.BeginTransactionAsync(new BeginTransactionRequest
        {
            Scope = stream.Scope,
            Stream = stream.Stream,
            LeaseMs = (long)lease.TotalMilliseconds,
        }, Call(t))).TxnId, ct));

    /// <summary>Writes events into an open transaction; returns once they are durable on the gateway.</summary>
    public Task<long> WriteTransactionEventsAsync(StreamName stream, string txnId, IEnumerable<OutgoingEvent> events, CancellationToken ct = default) =>
        Transactional(async () => (await SendTransactionEventsAsync(stream, txnId, events, commit: false, null, ct).ConfigureAwait(false)).EventsWritten);

    /// <summary>
    /// Writes <paramref name="events"/> (at least one) into the transaction and commits it in one call: the gateway
    /// journals the events and the commit decision with one fsync, so a lone writer waits for one fsync instead of two.
    /// Returns <see cref="TransactionState.Committed"/> once the events are durable and visible. The outcome of a call
    /// that fails is that of a commit that failed: ask <see cref="GetTransactionStatusAsync"/> (COMMITTED: done; OPEN:
    /// the write or the commit was not durable — abort it or commit it again, it holds either all of the events or none
    /// of this call's). <paramref name="time"/> is the writer's watermark mark, as with <see cref="CommitTransactionAsync(StreamName, string, WriterTime?, CancellationToken)"/>.
    /// A gateway that predates the combined call writes the events only; this then commits with a second call.
    /// </summary>
    public Task<TransactionState> WriteAndCommitTransactionAsync(StreamName stream, string txnId, IReadOnlyList<OutgoingEvent> events, WriterTime? time = null,
        CancellationToken ct = default)
    {
        if (events.Count == 0) throw new ArgumentException("the combined call needs at least one event (commit an empty transaction with CommitTransactionAsync)", nameof(events));
        return Transactional(async () =>
        {
            var response = await SendTransactionEventsAsync(stream, txnId, events, commit: true, time, ct).ConfigureAwait(false);
            return response.Committed ? TransactionState.Committed : await CommitTransactionAsync(stream, txnId, time, ct).ConfigureAwait(false);
        });
    }

    /// <summary>
    /// One WriteTransactionEvents call: the events in batches (<see cref="TransactionEventBatches"/>), the last one
    /// asking to commit when <paramref name="commit"/>. Checks that the gateway wrote every event it was sent.
    /// </summary>
    private async Task<WriteTransactionEventsResponse> SendTransactionEventsAsync(StreamName stream, string txnId, IEnumerable<OutgoingEvent> events, bool commit,
        WriterTime? time, CancellationToken ct)
    {
        using var call = _rpc.WriteTransactionEvents(cancellationToken: ct);
        // Messages are buffered (not flushed one by one) and go out together when the request completes;
        // only the first carries scope/stream/txn (the server takes empty fields as "same as the first").
        call.RequestStream.WriteOptions = new WriteOptions(WriteFlags.BufferHint);
        long sent = 0;
        try
        {
            WriteTransactionEventsRequest? pending = null;
            foreach (var batch in TransactionEventBatches.Of(events))
            {
                // One behind, so that the last batch can carry the commit.
                if (pending is not null) await call.RequestStream.WriteAsync(pending, ct).ConfigureAwait(false);
                var first = sent == 0;
                batch.Scope = first ? stream.Scope : "";
                batch.Stream = first ? stream.Stream : "";
                batch.TxnId = first ? txnId : "";
                sent += batch.Events.Count;
                pending = batch;
            }
            if (pending is not null)
            {
                if (commit) (pending.Commit, pending.WriterId, pending.EventTime) = (true, time?.WriterId ?? "", time?.EventTimeNanos ?? 0);
                await call.RequestStream.WriteAsync(pending, ct).ConfigureAwait(false);
            }
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is RpcException or OperationCanceledException or InvalidOperationException)
        {
            await call.ResponseAsync.ConfigureAwait(false); // throws the server's status
            throw;
        }
        var response = await call.ResponseAsync.ConfigureAwait(false);
        if (response.EventsWritten != sent)
            throw new InvalidOperationException(
                $"the gateway wrote {response.EventsWritten} of the {sent} event(s) sent to transaction {txnId}: it predates batched writes (WriteTransactionEventsRequest.events); abort the transaction and upgrade the gateway");
        return response;
    }

    /// <summary>
    /// Commits (idempotent: a committed transaction answers Committed again). Aborted → FAILED_PRECONDITION.
    /// <paramref name="time"/>, when given, is the writer's mark for the stream's event-time watermark.
    /// </summary>
    public Task<TransactionState> CommitTransactionAsync(StreamName stream, string txnId, CancellationToken ct = default) =>
        CommitTransactionAsync(stream, txnId, null, ct);

    /// <inheritdoc cref="CommitTransactionAsync(StreamName, string, CancellationToken)"/>
    public Task<TransactionState> CommitTransactionAsync(StreamName stream, string txnId, WriterTime? time, CancellationToken ct = default) =>
        TxnCall((r, o) => _rpc.CommitTransactionAsync(r, o), stream, txnId, ct, time);

    /// <summary>
    /// Pravega's <c>noteTime</c>: reports <paramref name="time"/> for the stream's watermark without a commit (an idle
    /// writer). False when the gateway speaks only the public protocol (UNIMPLEMENTED: it keeps no watermark).
    /// </summary>
    public async Task<bool> NoteTimeAsync(StreamName stream, WriterTime time, CancellationToken ct = default)
    {
        try
        {
            await Retry(async t => await _rpc.NoteTimeAsync(new NoteTimeRequest
            {
                Scope = stream.Scope,
                Stream = stream.Stream,
                WriterId = time.WriterId,
                EventTime = time.EventTimeNanos,
            }, Call(t)), ct).ConfigureAwait(false);
            return true;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unimplemented)
        {
            return false;
        }
    }

    public Task<TransactionState> AbortTransactionAsync(StreamName stream, string txnId, CancellationToken ct = default) =>
        TxnCall((r, o) => _rpc.AbortTransactionAsync(r, o), stream, txnId, ct);

    /// <summary>Status of a transaction; Unknown when the gateway has never heard of it (or forgot it).</summary>
    public Task<TransactionState> GetTransactionStatusAsync(StreamName stream, string txnId, CancellationToken ct = default) =>
        TxnCall((r, o) => _rpc.GetTransactionStatusAsync(r, o), stream, txnId, ct);

    public Task<TransactionState> PingTransactionAsync(StreamName stream, string txnId, TimeSpan lease, CancellationToken ct = default) =>
        Transactional(() => Retry(async t => (TransactionState)(await _rpc.PingTransactionAsync(new PingTransactionRequest
        {
            Scope = stream.Scope,
            Stream = stream.Stream,
            TxnId = txnId,
            LeaseMs = (long)lease.TotalMilliseconds,
        }, Call(t))).Status, ct));

    private Task<TransactionState> TxnCall(Func<TransactionRequest, CallOptions, AsyncUnaryCall<TransactionStatusResponse>> rpc,
        StreamName stream, string txnId, CancellationToken ct, WriterTime? time = null) =>
        Transactional(() => Retry(async t => (TransactionState)(await rpc(new TransactionRequest
        {
            Scope = stream.Scope,
            Stream = stream.Stream,
            TxnId = txnId,
            WriterId = time?.WriterId ?? "",
            EventTime = time?.EventTimeNanos ?? 0,
        }, Call(t))).Status, ct));

    /// <summary>
    /// Sends one message per event on a client-streaming call (<paramref name="message"/> is told whether the event is
    /// the first, which alone carries the names) and completes the request stream. When the server ends the call early
    /// (an error such as UNIMPLEMENTED or INVALID_ARGUMENT), a write fails with a bare CANCELLED; the server's real
    /// status is in the response, so surface that one instead.
    /// </summary>
    private static async Task SendEventsAsync<TRequest, TResponse>(AsyncClientStreamingCall<TRequest, TResponse> call, IEnumerable<OutgoingEvent> events,
        Func<OutgoingEvent, bool, TRequest> message, CancellationToken ct)
    {
        try
        {
            var first = true;
            foreach (var e in events)
            {
                await call.RequestStream.WriteAsync(message(e, first), ct).ConfigureAwait(false);
                first = false;
            }
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is RpcException or OperationCanceledException or InvalidOperationException)
        {
            await call.ResponseAsync.ConfigureAwait(false); // throws the server's status
            throw;
        }
    }

    private async Task<T> Transactional<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Unimplemented)
        {
            throw new TransactionsNotSupportedException(_options.Endpoint.ToString(), e);
        }
    }

    public void Dispose() => _channel.Dispose();
}
