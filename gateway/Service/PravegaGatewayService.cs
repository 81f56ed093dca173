using Grpc.Core;
using SensorStream.Gateway.Storage;
using SensorStream.Streams.Protocol;

namespace SensorStream.Gateway.Service;

/// <summary>
/// The gRPC surface: the pravega-grpc-gateway protocol plus explicit transactions, over <see cref="GatewayStore"/>.
/// Split by area: scopes and streams, reads, writes, transactions.
/// </summary>
public sealed partial class PravegaGatewayService(GatewayStore store, ILogger<PravegaGatewayService> log) : PravegaGateway.PravegaGatewayBase
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
        var config = new StreamConfig(SegmentsOf(request.ScalingPolicy), kind, param);
        return new() { Created = await store.CreateStreamAsync(request.Scope, request.Stream, config).ConfigureAwait(false) };
    }

    /// <summary>
    /// Replaces retention; a scaling policy whose <c>min_num_segments</c> differs from the current epoch's segment count
    /// scales the stream to it (Pravega's scale over the whole key space: a new epoch, the current segments sealed);
    /// <c>0</c> leaves the segments alone. The scale is done (durable, new writes and commits go to the new epoch) when
    /// this answers.
    /// </summary>
    public override async Task<UpdateStreamResponse> UpdateStream(UpdateStreamRequest request, ServerCallContext context)
    {
        var stream = store.Stream(request.Scope, request.Stream);
        var (kind, param) = RetentionMapping.FromWire(request.RetentionPolicy);
        if (request.ScalingPolicy is { MinNumSegments: not 0 } scaling)
            await stream.ScaleAsync(scaling.MinNumSegments, $"UpdateStream to {scaling.MinNumSegments} segment(s)").ConfigureAwait(false);
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
        return Task.FromResult(new GetStreamInfoResponse
        {
            HeadStreamCut = StreamCutCodec.Encode(stream, stream.Heads()),
            TailStreamCut = StreamCutCodec.Encode(stream, stream.Tails()),
        });
    }

    /// <summary>A new stream's segments: min_num_segments (at least 1) for every scaling type, as the public gateway passes it to Pravega.</summary>
    private static int SegmentsOf(ScalingPolicy? policy) => Math.Max(1, policy?.MinNumSegments ?? 1);
}
