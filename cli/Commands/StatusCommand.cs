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
        // A gateway named alone is enough: status shows what the gateway knows and says storage was not named.
        var storageNamed = settings.NamedStorage is not null;
        var gatewayOnly = settings.NamedGateway is not null && !storageNamed;
        await using var access = await PipelineAccess.OpenAsync(settings, "status", needsGateway: true, needsStorage: !gatewayOnly, ct);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        var metricsPort = settings.MetricsPort ?? access.Live?.MetricsPort;
        // Per-sensor numbers are what reaches the stream's tail while status watches it (reading the whole stream is
        // `verify`'s job); the rates are by the samples' timestamps.
        var view = new LiveView(settings.StreamName.ToString(), []);
        await using var watcher = new StreamWatcher(access.Gateway, settings.StreamName);
        watcher.Start();
        var window = settings.ParsedWindow!.Value;
        await Task.Delay(window, ct);
        var snapshot = await PipelineSnapshot.CollectAsync(access.Gateway, settings.StreamName, access.Storage is null ? null : access.Blobs, metricsPort, http, ct, watcher);
        if (access.Storage is null)
            snapshot = snapshot with { Errors = new Dictionary<string, string>(snapshot.Errors) { ["storage"] = "not named: mirror and exports are not shown (add --storage CONNECTION_STRING)" } };
        var seconds = window.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        AnsiConsole.Write(view.Render(snapshot, TimeSpan.Zero, null,
            heading: $"[bold]SensorStream[/] {Markup.Escape(settings.StreamName.ToString())} — status at {snapshot.At.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC",
            sensorsTitle: $"sensors (committed during the last {seconds} s; `verify` counts the whole stream)"));
        if (snapshot.Errors.ContainsKey("gateway")) return ExitCodes.CheckFailed;
        if (storageNamed && snapshot.Errors.TryGetValue("storage", out var storageError))
        {
            CliErrors.Print($"storage: {storageError}");
            return ExitCodes.Unavailable;
        }
        return ExitCodes.Ok;
    }
}
