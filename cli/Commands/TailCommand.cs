using System.ComponentModel;
using System.Globalization;
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

        public override ValidationResult Validate() =>
            Count is <= 0 ? ValidationResult.Error("--count must be a positive number of rows") : base.Validate();
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
                else if (StreamBatches.Decode(e) is { Batch: { } batch })
                {
                    // Sensors have different columns: a header line whenever the columns change.
                    var columns = string.Join(',', Flatten.ColumnNames(batch));
                    if (columns != header) Console.Out.WriteLine(header = columns);
                    left -= WriteRows(batch, left);
                }
                else Console.Error.WriteLine($"undecodable event: {StreamBatches.Decode(e).Error}");
                if (left <= 0) break;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        return ExitCodes.Ok;
    }

    /// <summary>Writes up to <paramref name="max"/> rows of the batch; returns how many.</summary>
    private static int WriteRows(SampleBatch batch, long max)
    {
        var row = new StringBuilder();
        var n = (int)Math.Min(batch.Count, max);
        for (var i = 0; i < n; i++)
        {
            row.Clear().Append(batch.SensorId).Append(',').Append(Flatten.Sequence(batch, i)).Append(',').Append(batch.TimestampNanos[i]);
            foreach (var (_, values) in batch.LongColumns) row.Append(',').Append(values[i]);
            foreach (var (_, values) in batch.DoubleColumns) row.Append(',').Append(values[i].ToString("R", CultureInfo.InvariantCulture));
            foreach (var (_, value) in batch.Scalars) row.Append(',').Append(value);
            Console.Out.WriteLine(row);
        }
        return n;
    }
}
