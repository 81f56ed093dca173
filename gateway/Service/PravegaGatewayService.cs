using Grpc.Core;
using SensorStream.Gateway.Storage;
using SensorStream.Gateway.Watermarks;
using SensorStream.Streams.Protocol;

namespace SensorStream.Gateway.Service;

/// <summary>
/// The gRPC surface: the pravega-grpc-gateway protocol plus explicit transactions, over <see cref="GatewayStore"/>.
/// Split by area: scopes and streams, reads, writes, transactions.
/// </summary>
public sealed partial class PravegaGatewayService(GatewayStore store, RequestBytesBudget budget, ReaderSlots readers, WatermarkRegistry watermarks, ILogger<PravegaGatewayService> log) : PravegaGateway.PravegaGatewayBase
{
    public override async Task<CreateScopeResponse> CreateScope(CreateScopeRequest request, ServerCallContext context) =>
        new() { Created = await store.CreateScopeAsync(request.Scope).ConfigureAwait(false) };

    public override Task<ListScopesResponse> ListScopes(ListScopesRequest request, ServerCallContext context)
    {
        var response = new ListScopesResponse();
        response.Scopes.AddRange(store.Scopes());
        return Task.FromResult(response);
    }

    public override async Task<CreateStreamResponse> CreateStream(CreateStreamRequest request, ServerCallContext context)
    {
        var (kind, param) = RetentionMapping.FromWire(request.RetentionPolicy);
        var rule = request.ScalingPolicy is { } policy ? ScalingMapping.FromWire(policy) : null;
        var config = new StreamConfig(SegmentsOf(request.ScalingPolicy), kind, param) { Scaling = rule is { Kind: not ScalingKind.Fixed } ? rule : null };
        return new() { Created = await store.CreateStreamAsync(request.Scope, request.Stream, config).ConfigureAwait(false) };
    }

    /// <summary>
    /// Replaces retention, and the scaling when a policy is given: FIXED_NUM_SEGMENTS with a <c>min_num_segments</c>
    /// other than the current epoch's count scales the stream to it (Pravega's scale over the whole key space: a new
    /// epoch, the current segments sealed) and ends auto-scaling; <c>0</c> leaves segments and scaling alone. A rate
    /// policy (BY_RATE_IN_EVENTS_PER_SEC / BY_RATE_IN_KBYTES_PER_SEC) turns auto-scaling on (scaling up to its minimum at
    /// once when the stream has fewer segments). A scale is done (durable; new commits go to the new epoch) when this answers.
    /// </summary>
    public override async Task<UpdateStreamResponse> UpdateStream(UpdateStreamRequest request, ServerCallContext context)
    {
        var stream = store.Stream(request.Scope, request.Stream);
        var (kind, param) = RetentionMapping.FromWire(request.RetentionPolicy);
        var rule = request.ScalingPolicy is { } policy ? ScalingMapping.FromWire(policy) : null;
        if (rule is { Kind: ScalingKind.Fixed } && request.ScalingPolicy!.MinNumSegments != 0)
        {
            StreamStore.CheckSegmentCount(rule.MinSegments); // before anything changes
            await stream.UpdateScalingAsync(null).ConfigureAwait(false);
            await stream.ScaleAsync(rule.MinSegments, $"UpdateStream to {rule.MinSegments} segment(s)").ConfigureAwait(false);
        }
        else if (rule is { Kind: not ScalingKind.Fixed }) await stream.UpdateScalingAsync(rule).ConfigureAwait(false);
        stream.UpdateRetention(kind, param);
        return new UpdateStreamResponse { Updated = true };
    }

    public override Task<TruncateStreamResponse> TruncateStream(TruncateStreamRequest request, ServerCallContext context)
    {
        var stream = store.Stream(request.Scope, request.Stream);
        var cut = StreamCutCodec.Decode(stream, request.StreamCut, "stream_cut")
                  ?? throw new StoreException(StoreError.InvalidArgument, "stream_cut is empty: TruncateStream needs a cut");
        stream.Truncate(cut);
        return Task.FromResult(new TruncateStreamResponse { Truncated = true });
    }

    /// <summary>
    /// Idempotent, as in the public gateway (Pravega's deleteStream answers false, not an error, for a stream that
    /// does not exist): a missing stream or scope is OK. A bad name is still INVALID_ARGUMENT.
    /// </summary>
    public override async Task<DeleteStreamResponse> DeleteStream(DeleteStreamRequest request, ServerCallContext context)
    {
        try
        {
            await store.DeleteStreamAsync(request.Scope, request.Stream).ConfigureAwait(false);
        }
        catch (StoreException e) when (e.Kind == StoreError.NotFound)
        {
            // Already gone (or never there): the outcome the client asked for.
        }
        return new DeleteStreamResponse();
    }

    public override async Task ListStreams(ListStreamsRequest request, IServerStreamWriter<ListStreamsResponse> responseStream, ServerCallContext context)
    {
        foreach (var name in store.StreamsOf(request.Scope))
            await responseStream.WriteAsync(new ListStreamsResponse { Scope = request.Scope, Stream = name }, context.CancellationToken).ConfigureAwait(false);
    }

    public override Task<GetStreamInfoResponse> GetStreamInfo(GetStreamInfoRequest request, ServerCallContext context)
    {
        var stream = store.Stream(request.Scope, request.Stream);
        // The watermark before the tail: its cut is then never beyond the tail of the same answer.
        var watermark = watermarks.For(stream).Current();
        return Task.FromResult(new GetStreamInfoResponse
        {
            HeadStreamCut = StreamCutCodec.Encode(stream, stream.Heads()),
            TailStreamCut = StreamCutCodec.Encode(stream, stream.Tails()),
            Watermark = watermark is { } w
                ? new Watermark { LowerTimeBound = w.Lower, UpperTimeBound = w.Upper, StreamCut = StreamCutCodec.Encode(stream, w.Cut) }
                : null,
            Scaling = ScalingMapping.ToWire(stream.Scaling()),
        });
    }

    /// <summary>A new stream's segments: min_num_segments (at least 1) for every scaling type, as the public gateway passes it to Pravega.</summary>
    private static int SegmentsOf(ScalingPolicy? policy) => Math.Max(1, policy?.MinNumSegments ?? 1);
}
