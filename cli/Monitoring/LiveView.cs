using System.Globalization;
using SensorStream.Cli.Processes;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace SensorStream.Cli.Monitoring;

/// <summary>Renders snapshots as the live dashboard: per-sensor rates, queue, transactions, stream and export progress.</summary>
public sealed class LiveView(string stream, IReadOnlyList<ChildProcess> processes)
{
    private PipelineSnapshot? _previous;

    public IRenderable Render(PipelineSnapshot now, TimeSpan elapsed, TimeSpan? duration)
    {
        var sensors = new Table().Title("sensors").AddColumns("sensor", "samples/s", "samples", "late", "missed");
        foreach (var id in now.Sensors)
        {
            var rate = Rate(now, EdgeMetricNames.Samples, id);
            sensors.AddRow(Markup.Escape(id), Fmt(rate, "0"), Fmt(now.Edge(EdgeMetricNames.Samples, id)),
                Fmt(now.Edge(EdgeMetricNames.LateSamples, id)), Fmt(now.Edge(EdgeMetricNames.MissedSamples, id)));
        }
        if (now.Sensors.Count == 0) sensors.AddRow("[grey]waiting for the collector's metrics…[/]", "", "", "", "");

        var pipeline = new Table().Title("pipeline").AddColumns("stage", "value");
        pipeline.AddRow("SQLite queue", $"{Fmt(now.Edge(EdgeMetricNames.QueueDepth))} events, {Bytes(now.Edge(EdgeMetricNames.QueueBytes))}");
        pipeline.AddRow("committed transactions", Fmt(now.Edge(EdgeMetricNames.CommittedTransactions)));
        pipeline.AddRow($"stream {Markup.Escape(stream)}", $"tail {Bytes(now.StreamTailBytes)}, head {Bytes(now.StreamHeadBytes)}");
        pipeline.AddRow("exported files", $"{Fmt(now.CsvFiles)} CSV, {Fmt(now.ParquetFiles)} Parquet");
        foreach (var (part, error) in now.Errors) pipeline.AddRow($"[red]{part}[/]", Markup.Escape(error));

        var components = new Table().Title("processes").AddColumns("component", "state", "log");
        foreach (var p in processes)
            components.AddRow(p.Name, p.HasExited ? $"[red]exited {p.ExitCode}[/]" : "[green]running[/]", Markup.Escape(p.LogFile));

        _previous = now;
        var clock = duration is { } d ? $"{elapsed:mm\\:ss} of {d:mm\\:ss}" : $"{elapsed:hh\\:mm\\:ss} (Ctrl-C stops)";
        return new Rows(new Markup($"[bold]SensorStream[/] local pipeline — {clock}"), sensors, pipeline, components);
    }

    private double? Rate(PipelineSnapshot now, string metric, string sensor)
    {
        if (_previous is null) return null;
        var a = _previous.Edge(metric, sensor);
        var b = now.Edge(metric, sensor);
        var seconds = (now.At - _previous.At).TotalSeconds;
        return a is null || b is null || seconds <= 0 ? null : (b - a) / seconds;
    }

    private static string Fmt(double? v, string format = "N0") => v is null ? "–" : v.Value.ToString(format, CultureInfo.InvariantCulture);

    private static string Fmt(int? v) => v?.ToString(CultureInfo.InvariantCulture) ?? "–";

    private static string Bytes(double? v) => v switch
    {
        null => "–",
        < 1024 => $"{v:0} B",
        < 1024 * 1024 => $"{v / 1024:0.0} KiB",
        _ => $"{v / 1024 / 1024:0.0} MiB",
    };
}
