using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SensorStream.Functions.Services;
using SensorStream.Functions.Settings;

namespace SensorStream.Functions.Local;

/// <summary>
/// <c>dotnet run --project functions -- local</c>: the same mirror, forward and export steps on the same schedules
/// under a plain .NET host, for machines without Azure Functions Core Tools. Settings come from the environment
/// over <c>local.settings.json</c>. All state is in blob storage, so the process may be killed at any point.
/// </summary>
public static class LocalHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        LocalSettingsFile.AddAsLowestPrecedence(builder.Configuration);
        builder.Services.AddSensorStreamCloud(builder.Configuration);
        // AddSingleton, not AddHostedService: the three jobs share one implementation type, which AddHostedService dedupes (and rejects).
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IHostedService>(sp => Job(sp, "mirror", s => s.MirrorSchedule, (steps, stream, ct) => steps.MirrorAsync(stream, ct), sel => sel.MirrorStreamsAsync, steps => steps.CanMirror));
        builder.Services.AddSingleton<IHostedService>(sp => Job(sp, "forward", s => s.MirrorSchedule, (steps, stream, ct) => steps.ForwardAsync(stream, ct), sel => sel.MirrorStreamsAsync, steps => steps.CanForward));
        builder.Services.AddSingleton<IHostedService>(sp => Job(sp, "export", s => s.ExportSchedule, (steps, stream, ct) => steps.ExportAsync(stream, false, ct), sel => sel.ExportStreamsAsync, _ => true));
        using var host = builder.Build();
        var settings = host.Services.GetRequiredService<CloudSettings>();
        host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("local").LogInformation(
            "local host: gateway {Gateway}, streams {Streams}, mirror '{Mirror}', export '{Export}'",
            settings.GatewayEndpoint?.ToString() ?? "(none: export only)",
            settings.Streams.Count == 0 ? "(all)" : string.Join(",", settings.Streams), settings.MirrorSchedule, settings.ExportSchedule);
        await host.RunAsync().ConfigureAwait(false);
        return 0;
    }

    private static IHostedService Job(IServiceProvider sp, string name, Func<CloudSettings, string> schedule,
        Func<CloudSteps, string, CancellationToken, Task<Streams.Mirroring.StepResult>> step,
        Func<StreamSelection, Func<CancellationToken, Task<IReadOnlyList<Streams.Naming.StreamName>>>> streams,
        Func<CloudSteps, bool> enabled)
    {
        var steps = sp.GetRequiredService<CloudSteps>();
        if (!enabled(steps)) return new NoJob();
        return new ScheduledJob(name, schedule(sp.GetRequiredService<CloudSettings>()), streams(sp.GetRequiredService<StreamSelection>()),
            (stream, ct) => step(steps, stream.ToString(), ct), sp.GetRequiredService<ILoggerFactory>().CreateLogger("job." + name), sp.GetRequiredService<TimeProvider>());
    }

    /// <summary>A job switched off by its settings (no gateway to mirror from, no target gateway).</summary>
    private sealed class NoJob : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
