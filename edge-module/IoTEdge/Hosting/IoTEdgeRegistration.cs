using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SensorStream.EdgeModule.IoTEdge.Hosting;

public static class IoTEdgeRegistration
{
    /// <summary>
    /// Adds the IoT Edge client when the module runs under IoT Edge (its IOTEDGE_* variables) or has a module
    /// connection string (<c>EdgeHubConnectionString</c>); otherwise adds nothing, and the collector runs alone.
    /// </summary>
    public static IServiceCollection AddIoTEdgeWhenPresent(this IServiceCollection services, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (!EdgeEnvironment.IsPresent(environment)) return services;
        return services.AddHostedService(sp => new EdgeHubService(
            sp.GetRequiredService<Collector>(), sp.GetRequiredService<ILoggerFactory>(), environment));
    }
}
