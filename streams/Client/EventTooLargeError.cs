using Grpc.Core;

namespace SensorStream.Streams.Client;

/// <summary>
/// The one text of our gateway's INVALID_ARGUMENT for an event over its <c>--max-event-bytes</c> (Pravega's limit is
/// 8 MiB by default): the gateway writes it with <see cref="Describe"/>, clients recognise it with <see cref="IsIn"/>
/// (a collector stops retrying a batch no retry can ship and says which setting to change). A public Pravega gateway
/// words its refusal differently; there the refusal is an ordinary INVALID_ARGUMENT.
/// </summary>
public static class EventTooLargeError
{
    private const string Marker = "bytes, more than the limit of";

    /// <summary>"<paramref name="subject"/> has N bytes, more than the limit of M", e.g. subject "event 3".</summary>
    public static string Describe(string subject, long eventBytes, long limitBytes) => $"{subject} has {eventBytes} {Marker} {limitBytes}";

    /// <summary>True when <paramref name="error"/> is our gateway's refusal of an event over its limit.</summary>
    public static bool IsIn(Exception error) =>
        error is RpcException { StatusCode: StatusCode.InvalidArgument } rpc && rpc.Status.Detail.Contains(Marker, StringComparison.Ordinal);
}
