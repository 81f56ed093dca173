namespace SensorStream.Gateway.Hosting;

/// <summary>Which RPCs the gateway serves (setting <c>--protocol</c>, <c>GATEWAY_PROTOCOL</c>, <c>Gateway:Protocol</c>).</summary>
public enum GatewayProtocol
{
    /// <summary>The public pravega-grpc-gateway RPCs plus SensorStream's extensions (explicit transactions, ListScopes). The default.</summary>
    Extended,

    /// <summary>
    /// Only what the public pravega-grpc-gateway serves: every extension RPC answers UNIMPLEMENTED, as a real one does.
    /// For testing collectors and forward jobs against a Pravega cluster's gateway without Java.
    /// </summary>
    Public,
}
