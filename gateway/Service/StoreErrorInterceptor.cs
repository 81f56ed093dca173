using Grpc.Core;
using Grpc.Core.Interceptors;
using SensorStream.Gateway.Storage;

namespace SensorStream.Gateway.Service;

/// <summary>Turns store errors into gRPC statuses with the store's message (which names the bad input).</summary>
public sealed class StoreErrorInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try { return await continuation(request, context).ConfigureAwait(false); }
        catch (Exception e) when (Map(e) is { } rpc) { throw rpc; }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try { return await continuation(requestStream, context).ConfigureAwait(false); }
        catch (Exception e) when (Map(e) is { } rpc) { throw rpc; }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try { await continuation(request, responseStream, context).ConfigureAwait(false); }
        catch (Exception e) when (Map(e) is { } rpc) { throw rpc; }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try { await continuation(requestStream, responseStream, context).ConfigureAwait(false); }
        catch (Exception e) when (Map(e) is { } rpc) { throw rpc; }
    }

    private static RpcException? Map(Exception e) => e switch
    {
        StoreException s => new RpcException(new Status(s.Kind switch
        {
            StoreError.NotFound => StatusCode.NotFound,
            StoreError.InvalidArgument => StatusCode.InvalidArgument,
            StoreError.FailedPrecondition => StatusCode.FailedPrecondition,
            StoreError.ResourceExhausted => StatusCode.ResourceExhausted,
            StoreError.DataLoss => StatusCode.DataLoss,
            _ => StatusCode.Unavailable,
        }, s.Message)),
        ClientCancelledException => new RpcException(new Status(StatusCode.Cancelled, "cancelled by the client")),
        InvalidDataException or StorageDamageException => new RpcException(new Status(StatusCode.DataLoss, e.Message)),
        // Over the open-file limit: a limit, named, like the gateway's own (the other streams keep being served).
        TooManyOpenFilesException => new RpcException(new Status(StatusCode.ResourceExhausted, e.Message)),
        IOException io => new RpcException(new Status(StatusCode.Unavailable, "storage I/O failed: " + io.Message)),
        // A stream deleted (or the gateway stopping) under a call that still held its files.
        ObjectDisposedException => new RpcException(new Status(StatusCode.Unavailable, "the stream was closed during the call (deleted, or the gateway is stopping)")),
        _ => null,
    };
}
