using System.ComponentModel;
using System.Text;
using SensorStream.Cli.Local;
using SensorStream.Cli.Reading;
using SensorStream.Streams.Events;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SensorStream.Cli.Commands;

/// <summary>Stream-to-Console: prints events as they arrive.</summary>
[Description("Print a stream's events as they arrive (flattened rows, or raw JSON with --raw).")]
public sealed class TailCommand : AsyncCommand<TailCommand.Settings>
{
    public sealed class Settings : StreamSettings
    {
        [CommandOption("--raw")]
        [Description("Print each event's JSON instead of one CSV row per sample.")]
        public bool Raw { get; init; }

        [CommandOption("--from-head")]
        [Description("Start at the oldest event instead of the current tail.")]
        public bool FromHead { get; init; }

        [CommandOption("--count <N>")]
        [Description("Stop after N rows (with --raw: N events); default: run until Ctrl-C.")]
        public int? Count { get; init; }

        [CommandOption("--format <FORMAT>")]
        [Description("csv (default: a header line whenever the columns change, then one row per sample) or jsonl (one JSON object per sample, keys = column names).")]
        public string Format { get; init; } = "csv";

        public override ValidationResult Validate() =>
            Count is <= 0 ? ValidationResult.Error("--count must be a positive number of rows")
            : Format is not ("csv" or "jsonl") ? ValidationResult.Error($"--format: '{Format}' is not csv or jsonl")
            : Raw && Format != "csv" ? ValidationResult.Error("--format: --raw prints events as they are; use one of them")
            : base.Validate();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        await using var access = await PipelineAccess.OpenAsync(settings, "tail", needsGateway: true, needsStorage: false, ct);
        var client = access.Gateway;
        var from = settings.FromHead ? null : (await client.GetStreamInfoAsync(settings.StreamName, ct)).Tail;
        long left = settings.Count ?? long.MaxValue;
        string? header = null;
        try
        {
            await foreach (var e in client.ReadEventsAsync(settings.StreamName, from, ct: ct))
            {
                if (settings.Raw)
                {
                    Console.Out.WriteLine(Encoding.UTF8.GetString(e.Data.Span));
                    left--;
                }
                else
                {
                    var decoded = StreamBatches.Decode(e);
                    if (decoded.Batch is not { } batch)
                    {
                        Console.Error.WriteLine($"undecodable event: {decoded.Error}");
                    }
                    else if (settings.Format == "jsonl")
                    {
                        left -= SampleRows.WriteJsonLines(Console.Out, batch, left);
                    }
                    else
                    {
                        // Sensors have different columns: a header line whenever the columns change.
                        var columns = string.Join(',', Flatten.ColumnNames(batch));
                        if (columns != header) Console.Out.WriteLine(header = columns);
                        left -= SampleRows.WriteCsv(Console.Out, batch, left);
                    }
                }
                if (left <= 0) break;
            }
        }
        // Ctrl-C (or SIGTERM) is how a tail without --count ends: a gRPC call cancelled by it ends with status Cancelled.
        catch (Exception e) when (ct.IsCancellationRequested && e is OperationCanceledException or Grpc.Core.RpcException { StatusCode: Grpc.Core.StatusCode.Cancelled }) { }
        return ExitCodes.Ok;
    }
}
