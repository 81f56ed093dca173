using Grpc.Core;
using SensorStream.Cli.Commands;
using SensorStream.Streams.Client;

namespace SensorStream.Cli;

/// <summary>Turns the failures users meet (unreachable gateway, missing stream, refused token) into one clear line.</summary>
public static class CliErrors
{
    public static int Report(Exception e)
    {
        var gateway = GatewaySettings.LastEndpoint ?? "the gateway";
        var message = e switch
        {
            RpcException { StatusCode: StatusCode.Unavailable } r => $"cannot reach the gateway at {gateway}: {r.Status.Detail}",
            RpcException { StatusCode: StatusCode.NotFound } r => $"not found on the gateway at {gateway}: {r.Status.Detail}",
            RpcException { StatusCode: StatusCode.Unauthenticated } => $"the gateway at {gateway} refused the credentials (check --token-file)",
            RpcException { StatusCode: StatusCode.InvalidArgument } r => $"the gateway at {gateway} rejected the request: {r.Status.Detail}",
            RpcException r => $"gateway call to {gateway} failed: {r.StatusCode}: {r.Status.Detail}",
            TransactionsNotSupportedException t => t.Message,
            Azure.RequestFailedException a => $"blob storage request failed: {a.Status} {a.ErrorCode}: {a.Message.Split('\n')[0]}",
            HttpRequestException h => $"request failed: {h.Message}",
            _ => $"{e.GetType().Name}: {e.Message}",
        };
        Console.Error.WriteLine($"sensorstream: {message}");
        return e is RpcException or HttpRequestException or Azure.RequestFailedException ? 3 : 4;
    }
}
