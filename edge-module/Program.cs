using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using SensorStream.EdgeModule;
using SensorStream.EdgeModule.Configuration;
using SensorStream.EdgeModule.Hosting;
using SensorStream.EdgeModule.IoTEdge.Hosting;
using SensorStream.EdgeModule.Metrics;
using SensorStream.EdgeModule.Transactions;

if (SettingsLoader.WantsHelp(args))
{
    Console.Write(HelpText.Build());
    return 0;
}

EdgeSettings settings;
ICoordinatorFaults faults;
try
{
    settings = SettingsLoader.Load(args, Environment.GetEnvironmentVariables());
    faults = CrashPoints.FromEnvironment();
}
catch (Exception e) when (e is SettingsException or ArgumentException or FormatException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

// Not passing args: the host would read them as configuration keys; ours are parsed above.
var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "HH:mm:ss.fff ";
    o.UseUtcTimestamp = true;
});
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout + TimeSpan.FromSeconds(10));
builder.Services.AddSingleton(settings);
builder.Services.AddSingleton(sp => new Collector(settings, sp.GetRequiredService<ILoggerFactory>(), new CollectorDependencies { Faults = faults }));
builder.Services.AddHostedService<CollectorService>();
builder.Services.AddHostedService<MetricsLogService>();
builder.Services.AddIoTEdgeWhenPresent(); // module twin, direct methods, health: only under IoT Edge or with EdgeHubConnectionString
if (settings.MetricsPort > 0)
{
    builder.Services.AddSingleton(sp => new EdgeMeter(sp.GetRequiredService<Collector>().GetMetrics));
    builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
        .AddMeter(EdgeMeter.Name)
        .AddPrometheusHttpListener(o =>
        {
            o.Host = settings.MetricsHost;
            o.Port = settings.MetricsPort;
        }));
}

using var host = builder.Build();
var log = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SensorStream.EdgeModule");
if (settings.MetricsPort > 0) host.Services.GetRequiredService<EdgeMeter>(); // create the instruments before the first scrape
try
{
    await host.RunAsync();
    return 0;
}
catch (Exception e)
{
    // Start-up failures (a sensor that cannot be opened, a database in use, a port taken) end here: one clear line.
    log.LogCritical("Collector failed: {Error}", e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message);
    return 1;
}
