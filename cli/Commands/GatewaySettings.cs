using System.ComponentModel;
using SensorStream.Streams.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SensorStream.Cli.Commands;

/// <summary>
/// Options every command that talks to a gateway shares. A gateway named by flag or environment is used as given;
/// otherwise <see cref="Local.PipelineAccess"/> finds the data folder's live run, or starts the ended run's gateway.
/// </summary>
public class GatewaySettings : CommandSettings
{
    [CommandOption("--gateway <URL>")]
    [Description("Gateway endpoint (env SENSORSTREAM_GATEWAY; default: the data folder's live run, else the last run's data).")]
    public string? Gateway { get; init; }

    [CommandOption("--token-file <FILE>")]
    [Description("File holding the named gateway's bearer token (env SENSORSTREAM_GATEWAY_TOKEN_FILE; the local run's are used automatically).")]
    public string? TokenFile { get; init; }

    [CommandOption("--ca-file <FILE>")]
    [Description("PEM certificate (or CA) to trust for a named https gateway (env SENSORSTREAM_GATEWAY_CA_FILE).")]
    public string? CaFile { get; init; }

    [CommandOption("--data-dir <DIR>")]
    [Description("Data folder of the local run to read (live, or ended: then its gateway/Azurite are started briefly on its data); " +
                 "env SENSORSTREAM_DATA_DIR, default .sensorstream.")]
    public string? DataDir { get; init; }

    /// <summary>The absolute data folder (<see cref="Local.DataFolder"/>).</summary>
    public string ResolvedDataDir => Local.DataFolder.Resolve(DataDir);

    /// <summary>The gateway named by <c>--gateway</c> or <c>SENSORSTREAM_GATEWAY</c>; null means "the local run's".</summary>
    public string? NamedGateway => Gateway ?? Environment.GetEnvironmentVariable("SENSORSTREAM_GATEWAY");

    private string? NamedTokenFile => TokenFile ?? Environment.GetEnvironmentVariable("SENSORSTREAM_GATEWAY_TOKEN_FILE");

    private string? NamedCaFile => CaFile ?? Environment.GetEnvironmentVariable("SENSORSTREAM_GATEWAY_CA_FILE");

    /// <summary>How to reach a named gateway: its URL with the named token file and certificate (the local run's are never sent to it).</summary>
    public GatewayClientOptions NamedClientOptions(string gateway) => new()
    {
        Endpoint = new Uri(gateway),
        AuthToken = NamedTokenFile is { } tokenFile ? Streams.Client.TokenFile.Read(tokenFile) : null,
        TrustedCertificateFile = NamedCaFile,
        MaxRetryAttempts = 2,
    };

    public override ValidationResult Validate()
    {
        if (NamedGateway is { } gateway &&
            (!Uri.TryCreate(gateway, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https")))
            return ValidationResult.Error($"--gateway: '{gateway}' is not an http:// or https:// URL");
        if (NamedTokenFile is { } tokenFile && !File.Exists(tokenFile))
            return ValidationResult.Error($"--token-file: '{tokenFile}' does not exist");
        if (NamedCaFile is { } caFile && !File.Exists(caFile))
            return ValidationResult.Error($"--ca-file: '{caFile}' does not exist");
        return ValidationResult.Success();
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
