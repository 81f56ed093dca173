using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SensorStream.EdgeModule.IoTEdge.Hosting;

/// <summary>
/// Runs the IoT Edge client beside the collector for the life of the host. Anything wrong on the IoT Edge side
/// (a bad connection string, edgeHub away) is logged and never stops the collector.
/// </summary>
internal sealed class EdgeHubService(Collector collector, ILoggerFactory loggers, Func<string, string?> environment) : BackgroundService
{
    /// <summary>How long the <c>flush</c> direct method waits for the queue to drain (IoT Hub gives a method 30 s by default).</summary>
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(20);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var log = loggers.CreateLogger("SensorStream.EdgeModule.IoTEdge");
        var disposables = new List<IDisposable>();
        try
        {
            EdgeHubClientOptions? options;
            try
            {
                options = EdgeEnvironment.CreateOptions(environment, disposables);
            }
            catch (Exception e) when (e is FormatException or UriFormatException or ArgumentException or IOException
                or System.Security.Cryptography.CryptographicException)
            {
                log.LogError("IoT Edge integration disabled: {Error}", e.Message);
                return;
            }
            if (options is null) return;
            log.LogInformation("IoT Edge integration: module {ModuleId} on device {DeviceId} via {Host}",
                options.Identity.ModuleId, options.Identity.DeviceId, options.Identity.ConnectHost);
            var client = new EdgeHubClient(options, new CollectorModuleHost(collector, FlushTimeout), log);
            await client.RunAsync(stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var disposable in disposables) disposable.Dispose();
        }
    }
}
