using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SensorStream.EdgeModule.Configuration;

namespace SensorStream.EdgeModule.Hosting;

/// <summary>Logs one metrics line every <see cref="EdgeSettings.MetricsInterval"/>.</summary>
internal sealed class MetricsLogService(Collector collector, ILogger<MetricsLogService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = collector.Settings.MetricsInterval;
        if (interval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
                if (collector.IsRunning) log.LogInformation("Metrics: {Metrics}", collector.GetMetrics());
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }
}
