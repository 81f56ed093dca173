using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace SensorStream.Gateway.Hosting;

/// <summary>
/// Requires <c>authorization: Bearer &lt;token&gt;</c> on every call except the health service. A missing or wrong token
/// is UNAUTHENTICATED. The token is compared in constant time and never logged.
/// </summary>
public sealed class BearerTokenInterceptor(ExpectedToken expected) : Interceptor
{
    private const string HealthService = "/grpc.health.v1.Health/";

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authenticate(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Authenticate(ServerCallContext context)
    {
        if (expected.Bytes is null || context.Method.StartsWith(HealthService, StringComparison.Ordinal)) return;
        var header = context.RequestHeaders.GetValue("authorization");
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            throw new RpcException(new Status(StatusCode.Unauthenticated, "this gateway requires a bearer token (authorization: Bearer <token>)"));
        var given = Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim());
        if (!CryptographicOperations.FixedTimeEquals(given, expected.Bytes))
            throw new RpcException(new Status(StatusCode.Unauthenticated, "the bearer token is not valid"));
    }
}

/// <summary>The configured token (read once from --auth-token-file), or none when authentication is off.</summary>
public sealed class ExpectedToken(string? token)
{
    public byte[]? Bytes { get; } = token is null ? null : Encoding.UTF8.GetBytes(token);
}
