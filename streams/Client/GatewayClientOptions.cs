namespace SensorStream.Streams.Client;

/// <summary>How to reach a gateway.</summary>
public sealed class GatewayClientOptions
{
    /// <summary>e.g. <c>http://127.0.0.1:5005</c> (h2c) or <c>https://gateway:5006</c>.</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>Bearer token sent on every call, when the gateway requires authentication.</summary>
    public string? AuthToken { get; init; }

    /// <summary>PEM file of the CA (or self-signed certificate) to trust for https endpoints.</summary>
    public string? TrustedCertificateFile { get; init; }

    /// <summary>Attempts for idempotent calls on transient errors (UNAVAILABLE), with capped exponential back-off.</summary>
    public int MaxRetryAttempts { get; init; } = 4;

    /// <summary>Deadline of each unary call.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
