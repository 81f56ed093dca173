using Grpc.Core;
using SensorStream.Cli.Local;
using SensorStream.Streams.Client;
using Spectre.Console.Cli;

namespace SensorStream.Cli;

/// <summary>
/// Turns every failure into one line on stderr (<c>sensorstream: …</c>, no stack trace, no exception type names)
/// and its code from <see cref="ExitCodes"/>.
/// </summary>
public static class CliErrors
{
    public static int Report(Exception e)
    {
        if (e is AggregateException { InnerExceptions.Count: 1 } aggregate) e = aggregate.InnerException!;
        var gateway = PipelineAccess.LastEndpoint ?? "the gateway";
        var (code, message) = e switch
        {
            CliException c => (c.ExitCode, c.Message),
            DataFolderBusyException b => (ExitCodes.DataFolderBusy, b.Message),
            CommandAppException a => (ExitCodes.BadArguments, $"{a.Message} (see --help)"),
            RpcException { StatusCode: StatusCode.Unavailable } r => (ExitCodes.Unavailable, $"cannot reach the gateway at {gateway}: {r.Status.Detail}"),
            RpcException { StatusCode: StatusCode.NotFound } r => (ExitCodes.CheckFailed, $"not found on the gateway at {gateway}: {r.Status.Detail}"),
            RpcException { StatusCode: StatusCode.Unauthenticated } => (ExitCodes.Unavailable, $"the gateway at {gateway} refused the credentials (check --token-file)"),
            RpcException { StatusCode: StatusCode.InvalidArgument } r => (ExitCodes.BadArguments, $"the gateway at {gateway} rejected the request: {r.Status.Detail}"),
            RpcException r => (ExitCodes.Unavailable, $"gateway call to {gateway} failed ({r.StatusCode}): {r.Status.Detail}"),
            TransactionsNotSupportedException t => (ExitCodes.Unavailable, t.Message),
            Azure.RequestFailedException a => (ExitCodes.Unavailable, $"blob storage request failed ({a.Status} {a.ErrorCode}): {FirstLine(a.Message)}"),
            HttpRequestException h => (ExitCodes.Unavailable, $"request failed: {h.Message}"),
            FormatException or ArgumentException => (ExitCodes.BadArguments, e.Message),
            IOException or UnauthorizedAccessException => (ExitCodes.Internal, $"file access failed: {e.Message}"),
            OperationCanceledException => (ExitCodes.Interrupted, "interrupted"),
            _ => (ExitCodes.Internal, $"unexpected error (please report it): {FirstLine(e.Message)}"),
        };
        Console.Error.WriteLine($"sensorstream: {FirstLine(message)}");
        return code;
    }

    private static string FirstLine(string text) => text.Split('\n')[0].TrimEnd('\r');
}
