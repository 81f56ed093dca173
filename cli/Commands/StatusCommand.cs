using System.ComponentModel;
using System.Globalization;
using SensorStream.Cli.Local;
using SensorStream.Cli.Monitoring;
using SensorStream.Streams.Configuration;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SensorStream.Cli.Commands;

/// <summary>The live view's numbers, once.</summary>
[Description("Show the pipeline's numbers once: sensors, queue, transactions, stream tail, exports.")]
public sealed class StatusCommand : AsyncCommand<StatusCommand.Settings>
{
    public sealed class Settings : LocalRunSettings
    {
        [CommandOption("--window <TIME>")]
        [Description("How long to watch the stream's tail for the per-sensor rates (e.g. 3s, 500ms).")]
        [DefaultValue("3s")]
        public string Window { get; init; } = "3s";

        public TimeSpan? ParsedWindow =>
            DurationText.TryParse(Window, TimeSpan.FromSeconds(1), out var w) && w > TimeSpan.Zero && w <= TimeSpan.FromMinutes(5) ? w : null;

        public override ValidationResult Validate() =>
            ParsedWindow is null ? ValidationResult.Error($"--window: '{Window}' is not a duration between 1ms and 5m (examples: 3s, 500ms)") : base.Validate();

        [CommandOption("--metrics-port <PORT>")]
        [Description("The edge collector's Prometheus port (default: the local run's).")]
        public int? MetricsPort { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        await using var access = await PipelineAccess.OpenAsync(settings, "status", needsGateway: true, needsStorage: true, ct);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        var metricsPort = settings.MetricsPort ?? access.Live?.MetricsPort;
        // Per-sensor numbers are what reaches the stream's tail while status watches it (reading the whole stream is
        // `verify`'s job); the rates are by the samples' timestamps.
        var view = new LiveView(settings.StreamName.ToString(), []);
        await using var watcher = new StreamWatcher(access.Gateway, settings.StreamName);
        watcher.Start();
        var window = settings.ParsedWindow!.Value;
        await Task.Delay(window, ct);
        var snapshot = await PipelineSnapshot.CollectAsync(access.Gateway, settings.StreamName, access.Blobs, metricsPort, http, ct, watcher);
        var seconds = window.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        AnsiConsole.Write(view.Render(snapshot, TimeSpan.Zero, null,
            heading: $"[bold]SensorStream[/] {Markup.Escape(settings.StreamName.ToString())} — status at {snapshot.At.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC",
            sensorsTitle: $"sensors (committed during the last {seconds} s; `verify` counts the whole stream)"));
        return snapshot.Errors.ContainsKey("gateway") ? ExitCodes.CheckFailed : ExitCodes.Ok;
    }
}
