using System.ComponentModel;
using System.Globalization;
using System.Text;
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
        [Description("Stop after N events (default: run until Ctrl-C).")]
        public int? Count { get; init; }

        public override ValidationResult Validate() =>
            Count is <= 0 ? ValidationResult.Error("--count must be a positive number of events") : base.Validate();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        using var client = settings.CreateClient();
        var from = settings.FromHead ? null : (await client.GetStreamInfoAsync(settings.StreamName, ct)).Tail;
        var seen = 0;
        var header = false;
        try
        {
            await foreach (var e in client.ReadEventsAsync(settings.StreamName, from, ct: ct))
            {
                if (settings.Raw) Console.Out.WriteLine(Encoding.UTF8.GetString(e.Data.Span));
                else
                {
                    var decoded = StreamBatches.Decode(e);
                    if (decoded.Batch is null) Console.Error.WriteLine($"undecodable event: {decoded.Error}");
                    else
                    {
                        if (!header) { Console.Out.WriteLine(string.Join(',', Flatten.ColumnNames(decoded.Batch))); header = true; }
                        WriteRows(decoded.Batch);
                    }
                }
                if (settings.Count is { } n && ++seen >= n) break;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        return 0;
    }

    private static void WriteRows(SampleBatch batch)
    {
        var row = new StringBuilder();
        for (var i = 0; i < batch.Count; i++)
        {
            row.Clear().Append(batch.SensorId).Append(',').Append(Flatten.Sequence(batch, i)).Append(',').Append(batch.TimestampNanos[i]);
            foreach (var (_, values) in batch.LongColumns) row.Append(',').Append(values[i]);
            foreach (var (_, values) in batch.DoubleColumns) row.Append(',').Append(values[i].ToString("R", CultureInfo.InvariantCulture));
            foreach (var (_, value) in batch.Scalars) row.Append(',').Append(value);
            Console.Out.WriteLine(row);
        }
    }
}
