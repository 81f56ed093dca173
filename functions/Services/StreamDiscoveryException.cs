namespace SensorStream.Functions.Services;

/// <summary>
/// The cloud host cannot find the streams to mirror by itself: <c>MIRROR_STREAMS</c> is empty and the source gateway
/// has no ListScopes (a public pravega-grpc-gateway in front of a Pravega cluster, or ours with <c>--protocol public</c>).
/// The message names the gateway and the setting that fixes it.
/// </summary>
public sealed class StreamDiscoveryException(Uri gateway)
    : InvalidOperationException($"cannot discover the streams to mirror: the gateway at {gateway} has no ListScopes (a public " +
                                "pravega-grpc-gateway, or ours with --protocol public); set MIRROR_STREAMS to the streams to mirror (scope/stream,…)")
{
    /// <summary>The source gateway that answered UNIMPLEMENTED.</summary>
    public Uri Gateway { get; } = gateway;
}
