using System.ComponentModel;
using SensorStream.Cli.Local;
using SensorStream.Cli.Monitoring;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SensorStream.Cli.Commands;

/// <summary>The live view's numbers, once.</summary>
[Description("Show the pipeline's numbers once: sensors, queue, transactions, stream tail, exports.")]
public sealed class StatusCommand : AsyncCommand<StatusCommand.Settings>
{
    public sealed class Settings : LocalRunSettings
    {
        [CommandOption("--metrics-port <PORT>")]
        [Description("The edge collector's Prometheus port (default: the local run's).")]
        public int? MetricsPort { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        await using var access = await PipelineAccess.OpenAsync(settings, "status", needsGateway: true, needsStorage: true, ct);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        var snapshot = await PipelineSnapshot.CollectAsync(access.Gateway, settings.StreamName, access.Blobs,
            settings.MetricsPort ?? access.Live?.MetricsPort, http, ct);
        AnsiConsole.Write(new LiveView(settings.StreamName.ToString(), []).Render(snapshot, TimeSpan.Zero, null));
        return snapshot.Errors.ContainsKey("gateway") ? 1 : 0;
    }
}
