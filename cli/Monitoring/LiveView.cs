using System.Globalization;
using SensorStream.Cli.Processes;
using SensorStream.Streams.Monitoring;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace SensorStream.Cli.Monitoring;

/// <summary>Renders snapshots as the live dashboard: per-sensor rates, sampling quality, queue, transactions, stream and exports.</summary>
public sealed class LiveView(string stream, IReadOnlyList<ChildProcess> processes)
{
    /// <summary>
    /// The view of <paramref name="now"/>; per-sensor rates are by sample time (<see cref="SensorProgress.SamplesPerSecond"/>). A run
    /// shows its clock (<paramref name="elapsed"/> of <paramref name="duration"/>); <paramref name="heading"/> and
    /// <paramref name="sensorsTitle"/> replace the clock line and the sensors table's title (a one-shot `status`).
    /// </summary>
    public IRenderable Render(PipelineSnapshot now, TimeSpan elapsed, TimeSpan? duration, string? heading = null, string? sensorsTitle = null)
    {
        var sensors = new Table().Title(sensorsTitle ?? "sensors (committed into the stream during this run; late and missed as sampled)")
            .AddColumns("sensor", "samples/s (sample time)", "samples", "last sequence", "late", "missed", "state");
        // Every sensor the stream shows or the collector reports: one that never committed (a missing NIC) still gets a row.
        var ids = now.StreamSensors.Keys.Union(EdgeMetricLookup.Sensors(now.EdgeMetrics), StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        foreach (var id in ids)
        {
            // By the samples' timestamps: the sensor's last whole second. Counting arrivals between two snapshots would
            // jitter (a 1 kHz sensor's 1,000-sample batches arrive in bursts: 840 one second, 1,130 the next).
            var progress = now.StreamSensors.GetValueOrDefault(id);
            sensors.AddRow(Markup.Escape(id), Fmt(progress?.SamplesPerSecond, "N0"), Fmt(progress?.Samples ?? 0), Fmt(progress?.LastSequence),
                Fmt(EdgeMetricLookup.FindForSensor(now.EdgeMetrics, EdgeInstruments.SensorLateSamples, id)),
                Fmt(EdgeMetricLookup.FindForSensor(now.EdgeMetrics, EdgeInstruments.SensorMissedSamples, id)),
                SensorState(EdgeMetricLookup.FindForSensor(now.EdgeMetrics, EdgeInstruments.SensorReadErrors, id), progress is not null));
        }
        if (ids.Count == 0)
            sensors.AddRow(heading is null ? "[grey]waiting for the first committed events…[/]" : "[grey]none committed (is a collector running?)[/]", "", "", "", "", "", "");

        var pipeline = new Table().Title("pipeline (sampling, queue, transactions: this collector run; stream, mirror, exports: all runs in this data folder)").AddColumns("stage", "value");
        pipeline.AddRow("sampling", $"{Fmt(now.Edge(EdgeInstruments.SamplesPerSecond), "N0")} samples/s, " +
                                    $"{Fmt(now.Edge(EdgeInstruments.LateSamples))} late, {Fmt(now.Edge(EdgeInstruments.MissedSamples))} missed, " +
                                    $"p99 lateness {Fmt(now.Edge(EdgeInstruments.LatenessP99), "N0")} µs");
        pipeline.AddRow("SQLite queue", $"{Fmt(now.Edge(EdgeInstruments.QueueEvents))} events, {Bytes(now.Edge(EdgeInstruments.QueueBytes))}, " +
                                        $"oldest {Fmt(now.Edge(EdgeInstruments.BacklogAge), "0.0")} s");
        pipeline.AddRow("committed transactions", $"{Fmt(now.Edge(EdgeInstruments.CommittedTransactions))} " +
                                                  $"({Fmt(now.Edge(EdgeInstruments.CommittedSamples))} samples, {Fmt(now.Edge(EdgeInstruments.GatewayErrors))} gateway errors)");
        if (now.Edge(EdgeInstruments.PublicProtocol) is { } publicProtocol)
            pipeline.AddRow("protocol", publicProtocol > 0 ? "public (recorded cut + read-back; the gateway has no transaction ids)" : "extended (explicit transactions)");
        pipeline.AddRow($"stream {Markup.Escape(stream)}", $"tail {Bytes(now.StreamTailBytes)}, head {Bytes(now.StreamHeadBytes)}");
        if (now.StreamSegments is { } segments) pipeline.AddRow("segments", Markup.Escape(segments));
        if (now.Cloud is { } cloud)
        {
            pipeline.AddRow("mirrored (blob stream)", $"{Fmt(cloud.MirroredEvents)} events in {Fmt(cloud.LastChunk + 1)} chunks, " +
                                                      $"lag {Bytes(cloud.MirrorLagBytes)}{(cloud.MirrorCaughtUp == true ? " (caught up)" : "")}");
            pipeline.AddRow("exported (checkpointed)", $"{Fmt(cloud.ExportedRows)} rows from {Fmt(cloud.ExportedEvents)} events, lag {Fmt(cloud.ExportLagEvents)} events" +
                                        (cloud.ExportPending is not null ? "; a range's files are being written" : "") +
                                        (cloud.DeadLettered > 0 ? $", [yellow]{cloud.DeadLettered} dead-lettered[/]" : ""));
        }
        pipeline.AddRow("exported files", $"{Fmt(now.CsvFiles)} CSV, {Fmt(now.ParquetFiles)} Parquet");
        foreach (var (part, error) in now.Errors) pipeline.AddRow($"[red]{part}[/]", Markup.Escape(error));

        var rows = new List<IRenderable>();
        var clock = duration is { } d ? $"{elapsed:mm\\:ss} of {d:mm\\:ss}" : $"{elapsed:hh\\:mm\\:ss} (Ctrl-C stops)";
        rows.Add(new Markup(heading ?? $"[bold]SensorStream[/] local pipeline — {clock}"));
        rows.Add(sensors);
        rows.Add(pipeline);
        if (processes.Count > 0)
        {
            var components = new Table().Title("processes").AddColumns("component", "state", "log");
            foreach (var p in processes)
                components.AddRow(p.Name, p.HasExited ? $"[red]exited {p.ExitCode}[/]" : "[green]running[/]", Markup.Escape(p.LogFile));
            rows.Add(components);
        }
        return new Rows(rows);
    }

    /// <summary>
    /// A sensor's state from the collector's read errors (<paramref name="readErrors"/>, null when its metrics are not
    /// served): "failing" while it has read errors and no sample reached the stream, else the error count or "ok".
    /// </summary>
    public static string SensorState(double? readErrors, bool committed) => readErrors switch
    {
        null => "–",
        > 0 when !committed => $"[red]failing: {Fmt(readErrors)} read errors[/]",
        > 0 => $"[yellow]{Fmt(readErrors)} read errors[/]",
        _ => "[green]ok[/]",
    };

    private static string Fmt(double? v, string format = "N0") => v is null ? "–" : v.Value.ToString(format, CultureInfo.InvariantCulture);

    private static string Fmt(long? v) => v?.ToString("N0", CultureInfo.InvariantCulture) ?? "–";

    private static string Fmt(int? v) => v?.ToString(CultureInfo.InvariantCulture) ?? "–";

    private static string Bytes(double? v) => v switch
    {
        null => "–",
        < 1024 => $"{v:0} B",
        < 1024 * 1024 => $"{v / 1024:0.0} KiB",
        _ => $"{v / 1024 / 1024:0.0} MiB",
    };
}
