using System.ComponentModel;
using SensorStream.Cli.Local;
using SensorStream.Streams.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SensorStream.Cli.Commands;

/// <summary>
/// Options every command that talks to a gateway shares. Each comes from its flag, then the environment, then the
/// <c>run.json</c> a local `sensorstream run` publishes in its data folder, then the local default.
/// </summary>
public class GatewaySettings : CommandSettings
{
    public const string DefaultEndpoint = "http://127.0.0.1:5005";

    [CommandOption("--gateway <URL>")]
    [Description("Gateway endpoint (env SENSORSTREAM_GATEWAY; default: the local run's, else " + DefaultEndpoint + ").")]
    public string? Gateway { get; init; }

    [CommandOption("--token-file <FILE>")]
    [Description("File holding the gateway's bearer token (env SENSORSTREAM_GATEWAY_TOKEN_FILE; default: the local run's).")]
    public string? TokenFile { get; init; }

    [CommandOption("--ca-file <FILE>")]
    [Description("PEM certificate (or CA) to trust for an https gateway (env SENSORSTREAM_GATEWAY_CA_FILE; default: the local run's).")]
    public string? CaFile { get; init; }

    [CommandOption("--data-dir <DIR>")]
    [Description("Data folder of a local `sensorstream run` whose endpoints and credentials to use.")]
    [DefaultValue(".sensorstream")]
    public string DataDir { get; init; } = ".sensorstream";

    private RunState? _localRun;
    private bool _localRunRead;

    /// <summary>The local run's published endpoints, if one is running in <see cref="DataDir"/>.</summary>
    public RunState? LocalRun
    {
        get
        {
            if (!_localRunRead) (_localRun, _localRunRead) = (RunState.Load(Path.GetFullPath(DataDir)), true);
            return _localRun;
        }
    }

    public string ResolvedGateway =>
        Gateway ?? Environment.GetEnvironmentVariable("SENSORSTREAM_GATEWAY") ?? LocalRun?.Gateway ?? DefaultEndpoint;

    public string? ResolvedTokenFile =>
        TokenFile ?? Environment.GetEnvironmentVariable("SENSORSTREAM_GATEWAY_TOKEN_FILE") ?? RunOfResolvedGateway?.TokenFile;

    public string? ResolvedCaFile =>
        CaFile ?? Environment.GetEnvironmentVariable("SENSORSTREAM_GATEWAY_CA_FILE") ?? RunOfResolvedGateway?.CaFile;

    // The local run's credentials go only to the local run's gateway: its token is never sent to another server.
    private RunState? RunOfResolvedGateway => LocalRun is { } run && run.Gateway == ResolvedGateway ? run : null;

    public override ValidationResult Validate()
    {
        if (!Uri.TryCreate(ResolvedGateway, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            return ValidationResult.Error($"--gateway: '{ResolvedGateway}' is not an http:// or https:// URL");
        if (ResolvedTokenFile is { } tokenFile && !File.Exists(tokenFile))
            return ValidationResult.Error($"--token-file: '{tokenFile}' does not exist");
        if (ResolvedCaFile is { } caFile && !File.Exists(caFile))
            return ValidationResult.Error($"--ca-file: '{caFile}' does not exist");
        return ValidationResult.Success();
    }

    /// <summary>The endpoint of the last client created, so errors can name it.</summary>
    public static string? LastEndpoint { get; private set; }

    public GatewayClient CreateClient()
    {
        LastEndpoint = ResolvedGateway;
        return new GatewayClient(new GatewayClientOptions
        {
            Endpoint = new Uri(ResolvedGateway),
            AuthToken = ResolvedTokenFile is { } tokenFile ? Streams.Client.TokenFile.Read(tokenFile) : null,
            TrustedCertificateFile = ResolvedCaFile,
            MaxRetryAttempts = 2,
        });
    }
}

/// <summary>Options of commands that act on one stream.</summary>
public class StreamSettings : GatewaySettings
{
    [CommandArgument(0, "<SCOPE/STREAM>")]
    [Description("The stream, e.g. sensorstream/sensors.")]
    public string Stream { get; init; } = "";

    public Streams.Naming.StreamName StreamName => Streams.Naming.StreamName.Parse(Stream);

    public override ValidationResult Validate()
    {
        try
        {
            _ = StreamName;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return ValidationResult.Error($"<SCOPE/STREAM>: {e.Message}");
        }
        return base.Validate();
    }
}
