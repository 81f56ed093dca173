using Grpc.Core;
using Grpc.Core.Interceptors;

namespace SensorStream.Gateway.Hosting;

/// <summary>
/// An interceptor that decides, before the service runs, whether a call may proceed: <see cref="Admit"/> throws an
/// <see cref="RpcException"/> to refuse it, for every call shape (unary, client, server and duplex streaming).
/// </summary>
public abstract class CallGateInterceptor : Interceptor
{
    /// <summary>Returns to let the call through; throws an <see cref="RpcException"/> with the status to answer instead.</summary>
    protected abstract void Admit(ServerCallContext context);

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        return continuation(requestStream, responseStream, context);
    }
}
