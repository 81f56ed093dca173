using System.Security.Cryptography;
using System.Text;
using Grpc.Core;

namespace SensorStream.Gateway.Hosting;

/// <summary>
/// Requires <c>authorization: Bearer &lt;token&gt;</c> on every call except the health service. A missing or wrong token
/// is UNAUTHENTICATED. The token is compared in constant time and never logged.
/// </summary>
public sealed class BearerTokenInterceptor(ExpectedToken expected) : CallGateInterceptor
{
    private const string HealthService = "/grpc.health.v1.Health/";

    protected override void Admit(ServerCallContext context)
    {
        if (expected.Bytes is null || context.Method.StartsWith(HealthService, StringComparison.Ordinal)) return;
        var header = context.RequestHeaders.GetValue("authorization");
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            throw new RpcException(new Status(StatusCode.Unauthenticated, "this gateway requires a bearer token (authorization: Bearer <token>)"));
        var given = Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim());
        if (!CryptographicOperations.FixedTimeEquals(given, expected.Bytes))
            throw new RpcException(new Status(StatusCode.Unauthenticated, "the bearer token is not valid"));
    }
}

/// <summary>The configured token (read once from --auth-token-file), or none when authentication is off.</summary>
public sealed class ExpectedToken(string? token)
{
    public byte[]? Bytes { get; } = token is null ? null : Encoding.UTF8.GetBytes(token);
}
