using Microsoft.Extensions.Hosting;
using SensorStream.Gateway.Storage;

namespace SensorStream.Gateway.Hosting;

/// <summary>Background upkeep on a fixed period: abort expired transactions, take due checkpoints, apply retention.</summary>
public sealed class MaintenanceLoop(GatewayStore store, GatewaySettings settings) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(settings.MaintenanceIntervalMs));
        var lastRetention = 0L;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var now = Environment.TickCount64;
                var retention = now - lastRetention >= settings.RetentionIntervalMs;
                if (retention) lastRetention = now;
                await store.MaintainAsync(retention).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // shutting down
        }
    }
}
