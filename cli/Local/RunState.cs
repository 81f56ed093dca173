using System.Text.Json;
using SensorStream.Streams.Client;

namespace SensorStream.Cli.Local;

/// <summary>
/// What a running local pipeline publishes in its data folder (<c>run.json</c>) so that `status`, `tail`,
/// `export get`, `verify` and `plot` find its endpoints without flags. A secure run (<c>--tls</c>) adds the paths of
/// the certificate to trust and of the token file — never the token.
/// </summary>
public sealed record RunState(string Gateway, string StorageConnectionString, string Stream, int MetricsPort, int ProcessId,
    string? CaFile = null, string? TokenFile = null)
{
    public const string FileName = "run.json";

    /// <summary>Written to a temporary file and renamed, so a reader never sees it half-written.</summary>
    public void Save(string dataDir) => AtomicFile.Write(Path.Combine(dataDir, FileName), JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true }));

    public static RunState? Load(string dataDir)
    {
        var path = Path.Combine(dataDir, FileName);
        return File.Exists(path) ? JsonSerializer.Deserialize<RunState>(File.ReadAllText(path)) : null;
    }

    /// <summary>How to reach this run's gateway, with its certificate and token when it has them.</summary>
    public GatewayClientOptions ClientOptions(int maxRetryAttempts = 4) => new()
    {
        Endpoint = new Uri(Gateway),
        TrustedCertificateFile = CaFile,
        AuthToken = TokenFile is null ? null : Streams.Client.TokenFile.Read(TokenFile),
        MaxRetryAttempts = maxRetryAttempts,
    };
}
