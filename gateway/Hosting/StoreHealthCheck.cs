using Microsoft.Extensions.Diagnostics.HealthChecks;
using SensorStream.Gateway.Storage;

namespace SensorStream.Gateway.Hosting;

/// <summary>The store's health for <c>grpc.health.v1.Health</c>: NOT_SERVING while writes cannot succeed (full disk, failed stream).</summary>
public sealed class StoreHealthCheck(GatewayStore store) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(store.WritesBlocked is { } why ? HealthCheckResult.Unhealthy(why) : HealthCheckResult.Healthy());
}
