using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SensorStream.Functions.Settings;
using SensorStream.Streams.BlobStreams;
using SensorStream.Streams.Client;
using SensorStream.Streams.Exporting;

namespace SensorStream.Functions.Services;

/// <summary>One registration of the cloud services for both hosts (Functions and local).</summary>
public static class CloudServices
{
    /// <summary>The source gateway, kept apart from the target so both can be registered.</summary>
    public sealed record Gateways(GatewayClient? Source, GatewayClient? Target);

    private static GatewayClient Client(Uri endpoint, GatewayCredentials credentials) => new(new GatewayClientOptions
    {
        Endpoint = endpoint,
        AuthToken = credentials.Token,
        TrustedCertificateFile = credentials.TrustedCertificateFile,
    });

    public static IServiceCollection AddSensorStreamCloud(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = CloudSettings.From(configuration);
        services.AddSingleton(settings);
        services.AddSingleton(_ => CreateBlobService(settings));
        services.AddSingleton(sp => new BlobStreamStore(sp.GetRequiredService<BlobServiceClient>()));
        services.AddSingleton(sp => new Exporter(sp.GetRequiredService<BlobStreamStore>(), settings.Export));
        services.AddSingleton(sp => new ExportCatalog(sp.GetRequiredService<BlobServiceClient>()));
        services.AddSingleton(_ => new Gateways(
            settings.GatewayEndpoint is { } s ? Client(s, settings.GatewayCredentials) : null,
            settings.TargetGatewayEndpoint is { } t ? Client(t, settings.TargetGatewayCredentials) : null));
        services.AddSingleton(sp => new CloudSteps(settings, sp.GetRequiredService<BlobStreamStore>(), sp.GetRequiredService<Exporter>(),
            sp.GetRequiredService<Gateways>().Source, sp.GetRequiredService<Gateways>().Target));
        services.AddSingleton(sp => new StreamSelection(settings, sp.GetRequiredService<BlobStreamStore>(), sp.GetRequiredService<Gateways>().Source));
        services.AddSingleton(sp => new CloudStatus(sp.GetRequiredService<BlobStreamStore>(), sp.GetRequiredService<Exporter>(), sp.GetRequiredService<Gateways>().Source));
        return services;
    }

    /// <summary>A connection string (Azurite: <c>UseDevelopmentStorage=true</c>), or the blob endpoint with a managed identity in Azure.</summary>
    public static BlobServiceClient CreateBlobService(CloudSettings settings)
    {
        if (settings.StorageConnectionString is { } connection) return new BlobServiceClient(connection);
        if (settings.BlobServiceUri is { } uri)
            return new BlobServiceClient(uri, settings.ManagedIdentityClientId is { } id ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(id)) : new DefaultAzureCredential());
        throw new InvalidOperationException("Set AzureWebJobsStorage (a connection string) or AzureWebJobsStorage__blobServiceUri.");
    }
}
