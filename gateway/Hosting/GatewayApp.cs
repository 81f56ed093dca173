using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using SensorStream.Gateway.Service;
using SensorStream.Gateway.Storage;
using SensorStream.Gateway.Watermarks;
using SensorStream.Streams.Configuration.Catalogs;

namespace SensorStream.Gateway.Hosting;

/// <summary>Builds the gateway web application (Kestrel, gRPC service, health, auth, upkeep) from settings.</summary>
public static class GatewayApp
{
    public static WebApplication Build(GatewaySettings settings, string[] args, Action<ILoggingBuilder>? logging = null)
    {
        SettingsCatalog.Check(settings);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        logging?.Invoke(builder.Logging);
        builder.WebHost.UseUrls(settings.Urls);
        // Kestrel's socket transport receives into one pool block at a time: 64 KiB blocks, fewer receive calls per request.
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>>(new LargeBlockMemoryPool.Factory());
        var certificate = settings.TlsCert is null ? null : TlsCertificate.Load(settings);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // gRPC needs HTTP/2; on plain http that means h2c (prior knowledge), so HTTP/1 is switched off.
            kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = HttpProtocols.Http2);
            if (certificate is not null) kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate);
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));

        var token = settings.AuthTokenFile is null ? null : File.ReadAllText(settings.AuthTokenFile).Trim();
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(new ExpectedToken(token));
        builder.Services.AddSingleton(new RequestBytesBudget(settings.MaxBufferedBytes));
        builder.Services.AddSingleton(new ReaderSlots(settings.MaxReaders));
        var softLimit = DescriptorLimit.SoftLimit();
        var segmentFiles = DescriptorLimit.Fit(settings.MaxOpenSegmentFiles, softLimit, DescriptorLimit.Reserved(settings.DataDir), out var descriptorWarning);
        builder.Services.AddSingleton(sp => GatewayStore.Open(new StoreOptions
        {
            DataDirectory = settings.DataDir,
            DefaultLeaseMs = settings.DefaultLeaseMs,
            MaxLeaseMs = settings.MaxLeaseMs,
            MaxEventBytes = settings.MaxEventBytes,
            CheckpointInterval = TimeSpan.FromMilliseconds(settings.CheckpointIntervalMs),
            MaxOpenTransactionsPerStream = settings.MaxOpenTransactionsPerStream,
            MaxOpenTransactions = settings.MaxOpenTransactions,
            MaxOpenSegmentFiles = segmentFiles,
        }, sp.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton(sp => new WatermarkRegistry(
            new WatermarkOptions { WriterTimeout = TimeSpan.FromMilliseconds(settings.WatermarkWriterTimeoutMs) }, sp.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddGrpc(grpc =>
        {
            // Above the event limit, so an oversized event reaches the service and gets a clear INVALID_ARGUMENT.
            grpc.MaxReceiveMessageSize = Math.Max(16 * 1024 * 1024, settings.MaxEventBytes + 64 * 1024);
            grpc.MaxSendMessageSize = null;
            grpc.Interceptors.Add<BearerTokenInterceptor>(); // outermost: nothing runs for an unauthenticated call
            if (settings.Protocol == GatewayProtocol.Public) grpc.Interceptors.Add<PublicProtocolInterceptor>();
            grpc.Interceptors.Add<StoreErrorInterceptor>();
        });
        builder.Services.AddGrpcHealthChecks().AddCheck<StoreHealthCheck>("store");
        builder.Services.AddHostedService<MaintenanceLoop>();

        var app = builder.Build();
        if (descriptorWarning is not null)
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SensorStream.Gateway").LogWarning("{Warning}", descriptorWarning);
        try
        {
            app.Services.GetRequiredService<GatewayStore>(); // recover before listening
        }
        catch (Exception e) when (DescriptorLimit.IsTooManyOpenFiles(e))
        {
            throw new ConfigurationError(
                $"{DescriptorLimit.Setting.FlagAndVariable}: too many open files while opening '{settings.DataDir}' with at most {segmentFiles} segment files open " +
                $"and an open-file limit (ulimit -n) of {(softLimit is { } l ? l.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unknown")}: raise ulimit -n or lower {DescriptorLimit.Setting.Flag} ({e.Message})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not DataDirectoryInUseException)
        {
            throw new ConfigurationError($"{GatewayServerSettings.Group["DataDir"].FlagAndVariable}: cannot use '{settings.DataDir}': {e.Message}");
        }
        app.MapGrpcService<PravegaGatewayService>();
        app.MapGrpcHealthChecksService();
        return app;
    }

    /// <summary>The addresses Kestrel actually bound (port 0 resolved).</summary>
    public static IReadOnlyList<Uri> Addresses(WebApplication app) =>
        app.Urls.Select(u => new Uri(u.Replace("0.0.0.0", "127.0.0.1").Replace("[::]", "127.0.0.1"))).ToList();

    public static void LogListening(WebApplication app, GatewaySettings settings)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SensorStream.Gateway");
        foreach (var warning in SecurityWarnings.For(settings)) log.LogWarning("Security: {Warning}", warning);
        foreach (var url in app.Urls)
            log.LogInformation("Listening on {Address} (data dir {DataDir}, tls {Tls}, auth {Auth}, protocol {Protocol})", url, settings.DataDir,
                settings.TlsCert is null ? "off" : "on", settings.AuthTokenFile is null ? "off" : "on", settings.Protocol.ToString().ToLowerInvariant());
    }
}
