using Microsoft.Extensions.Hosting;

namespace SensorStream.EdgeModule.Hosting;

/// <summary>Runs the collector inside the generic host, which turns SIGTERM/Ctrl-C into a clean <see cref="StopAsync"/>.</summary>
internal sealed class CollectorService(Collector collector) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => collector.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => collector.StopAsync(CancellationToken.None);
}
