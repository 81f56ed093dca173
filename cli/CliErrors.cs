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
    /// <summary>Prints the one line for <paramref name="e"/> and returns its exit code; <paramref name="args"/> (the command line) lets a parse error name the flag or verb it is about.</summary>
    public static int Report(Exception e, IReadOnlyList<string>? args = null)
    {
        if (e is AggregateException { InnerExceptions.Count: 1 } aggregate) e = aggregate.InnerException!;
        var gateway = PipelineAccess.LastEndpoint ?? "the gateway";
        var (code, message) = e switch
        {
            CliException c => (c.ExitCode, c.Message),
            DataFolderBusyException b => (ExitCodes.DataFolderBusy, b.Message),
            CommandAppException a => (ExitCodes.BadArguments, $"{ParseProblem(a.Message, args ?? [])} (see --help)"),
            RpcException { StatusCode: StatusCode.Cancelled } => (ExitCodes.Interrupted, "interrupted"), // a call cancelled by Ctrl-C/SIGTERM
            RpcException { StatusCode: StatusCode.Unavailable } r => (ExitCodes.Unavailable, $"cannot reach the gateway at {gateway}: {r.Status.Detail}"),
            RpcException { StatusCode: StatusCode.NotFound } r => (ExitCodes.CheckFailed, $"not found on the gateway at {gateway}: {r.Status.Detail}"),
            RpcException { StatusCode: StatusCode.Unauthenticated } => (ExitCodes.Unavailable, $"the gateway at {gateway} refused the credentials (check --token-file)"),
            RpcException { StatusCode: StatusCode.DataLoss } r => (ExitCodes.CheckFailed, $"the gateway at {gateway} holds damaged data it cannot serve: {r.Status.Detail}"),
            RpcException { StatusCode: StatusCode.InvalidArgument } r => (ExitCodes.BadArguments, $"the gateway at {gateway} rejected the request: {r.Status.Detail}"),
            RpcException r => (ExitCodes.Unavailable, $"gateway call to {gateway} failed ({r.StatusCode}): {r.Status.Detail}"),
            TransactionsNotSupportedException t => (ExitCodes.Unavailable, t.Message),
            Azure.RequestFailedException => (ExitCodes.Unavailable, StorageProblem(e, null)),
            AggregateException g when g.InnerExceptions.All(i => i is Azure.RequestFailedException) => (ExitCodes.Unavailable, StorageProblem(e, null)),
            HttpRequestException h => (ExitCodes.Unavailable, $"request failed: {h.Message}"),
            FormatException or ArgumentException => (ExitCodes.BadArguments, e.Message),
            IOException or UnauthorizedAccessException => (ExitCodes.Internal, $"file access failed: {e.Message}"),
            OperationCanceledException => (ExitCodes.Interrupted, "interrupted"),
            _ => (ExitCodes.Internal, $"unexpected error (please report it): {FirstLine(e.Message)}"),
        };
        Print(message);
        return code;
    }

    /// <summary>
    /// One line for a failed Blob Storage call: "cannot reach Blob Storage at URI: …" when nothing answered (the SDK's
    /// transport failure, status 0, possibly wrapped in its "Retry failed" AggregateException), else the status and error
    /// code. Anything else gets the unexpected-error line.
    /// </summary>
    public static string StorageProblem(Exception e, Uri? account)
    {
        if (e is AggregateException aggregate) e = aggregate.InnerExceptions.FirstOrDefault(i => i is Azure.RequestFailedException) ?? aggregate.InnerExceptions[0];
        var at = account is null ? "" : $" at {account}";
        return e switch
        {
            Azure.RequestFailedException { Status: 0 } a => $"cannot reach Blob Storage{at}: {FirstLine(a.Message)}",
            Azure.RequestFailedException a => $"blob storage request failed{at} ({a.Status} {a.ErrorCode}): {FirstLine(a.Message)}",
            HttpRequestException h => $"cannot reach Blob Storage{at}: {FirstLine(h.Message)}",
            _ => $"unexpected error (please report it): {FirstLine(e.Message)}",
        };
    }

    /// <summary>
    /// Writes <c>sensorstream: MESSAGE</c> (its first line) to stderr: the one format of every error the CLI prints,
    /// whether thrown (<see cref="Report"/>) or returned with an exit code.
    /// </summary>
    public static void Print(string message) => Console.Error.WriteLine($"sensorstream: {FirstLine(message)}");

    // Spectre.Console.Cli names the value and a .NET type ("Failed to convert 'abc' to Nullable`1."): name the flag
    // instead; a verb that has sub-verbs gets them suggested.
    private static string ParseProblem(string message, IReadOnlyList<string> args)
    {
        var conversion = System.Text.RegularExpressions.Regex.Match(message, "^Failed to convert '(?<value>.*)' to [^ ]+\\.$");
        if (conversion.Success)
        {
            var value = conversion.Groups["value"].Value;
            var at = args.ToList().FindIndex(a => a == value || a.EndsWith("=" + value, StringComparison.Ordinal));
            var flag = at > 0 && args[at - 1].StartsWith('-') ? args[at - 1]
                : at >= 0 && args[at].Contains('=') ? args[at][..args[at].IndexOf('=')] : null;
            return flag is null ? $"'{value}' is not a valid value" : $"{flag}: '{value}' is not a valid value";
        }
        if (message.StartsWith("Unknown command", StringComparison.Ordinal) && args.Count > 0 && args[0] == "export")
            return $"{message.TrimEnd('.')}: `export` needs a sub-verb: `export get <scope/stream>`";
        return message;
    }

    private static string FirstLine(string text) => text.Split('\n')[0].TrimEnd('\r');
}
