using System.Security.Cryptography.X509Certificates;

namespace SensorStream.EdgeModule.IoTEdge;

/// <summary>How the module connects to edgeHub (or IoT Hub) and how often it does what.</summary>
public sealed record EdgeHubClientOptions
{
    public required ModuleIdentity Identity { get; init; }

    /// <summary>Signs the SAS tokens: the workload API under IoT Edge, a local key otherwise.</summary>
    public required ISasSigner Signer { get; init; }

    /// <summary>MQTT over TLS port (8883). Tests point this at a plain loopback broker.</summary>
    public int Port { get; init; } = 8883;

    public bool UseTls { get; init; } = true;

    /// <summary>
    /// Roots edgeHub's certificate must chain to (the workload API's trust bundle), fetched on each connection
    /// so a rotated edge CA is picked up. Null: the operating system's trust store (direct to IoT Hub).
    /// </summary>
    public Func<CancellationToken, Task<X509Certificate2Collection>>? TrustRoots { get; init; }

    /// <summary>Lifetime of each SAS token. MQTT 3.1.1 cannot re-authenticate, so the client reconnects before expiry.</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Fraction of <see cref="TokenLifetime"/> after which the client reconnects with a fresh token.</summary>
    public double RenewAt { get; init; } = 0.8;

    public TimeSpan HealthInterval { get; init; } = TimeSpan.FromMinutes(1);

    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a twin request or a connect may take before the connection is judged broken.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Clock for token expiry and timers; tests pin it to make tokens predictable.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
