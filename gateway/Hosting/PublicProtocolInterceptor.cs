using Grpc.Core;

namespace SensorStream.Gateway.Hosting;

/// <summary>
/// <c>--protocol public</c>: answers UNIMPLEMENTED for every RPC the public pravega-grpc-gateway lacks (the
/// "SensorStream additions" block of <c>streams/Protos/pravega_gateway.proto</c>), before the service runs, and lets
/// every other call through unchanged. The status detail matches what gRPC servers answer for an unknown method.
/// </summary>
public sealed class PublicProtocolInterceptor : CallGateInterceptor
{
    /// <summary>The extension RPCs, by their gRPC method path (service <c>PravegaGateway</c>, no proto package).</summary>
    public static readonly IReadOnlySet<string> ExtensionMethods = new HashSet<string>(StringComparer.Ordinal)
    {
        "/PravegaGateway/BeginTransaction",
        "/PravegaGateway/WriteTransactionEvents",
        "/PravegaGateway/CommitTransaction",
        "/PravegaGateway/AbortTransaction",
        "/PravegaGateway/GetTransactionStatus",
        "/PravegaGateway/PingTransaction",
        "/PravegaGateway/ListScopes",
        "/PravegaGateway/NoteTime",
        "/PravegaGateway/ReadEventBatches",
    };

    protected override void Admit(ServerCallContext context)
    {
        if (ExtensionMethods.Contains(context.Method))
            throw new RpcException(new Status(StatusCode.Unimplemented, $"Method not found: {context.Method.TrimStart('/')} (this gateway runs --protocol public)"));
    }
}
