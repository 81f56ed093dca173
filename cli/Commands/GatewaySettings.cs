using System.ComponentModel;
using SensorStream.Streams.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SensorStream.Cli.Commands;

/// <summary>Options every command that talks to a gateway shares.</summary>
public class GatewaySettings : CommandSettings
{
    public const string DefaultEndpoint = "http://127.0.0.1:5005";

    [CommandOption("--gateway <URL>")]
    [Description("Gateway endpoint (env SENSORSTREAM_GATEWAY; default " + DefaultEndpoint + ").")]
    public string? Gateway { get; init; }

    [CommandOption("--token-file <FILE>")]
    [Description("File holding the gateway's bearer token (env SENSORSTREAM_GATEWAY_TOKEN_FILE).")]
    public string? TokenFile { get; init; }

    public virtual string ResolvedGateway => Gateway ?? Environment.GetEnvironmentVariable("SENSORSTREAM_GATEWAY") ?? DefaultEndpoint;

    public override ValidationResult Validate()
    {
        if (!Uri.TryCreate(ResolvedGateway, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            return ValidationResult.Error($"--gateway: '{ResolvedGateway}' is not an http:// or https:// URL");
        var tokenFile = TokenFile ?? Environment.GetEnvironmentVariable("SENSORSTREAM_GATEWAY_TOKEN_FILE");
        if (tokenFile is not null && !File.Exists(tokenFile))
            return ValidationResult.Error($"--token-file: '{tokenFile}' does not exist");
        return ValidationResult.Success();
    }

    /// <summary>The endpoint of the last client created, so errors can name it.</summary>
    public static string? LastEndpoint { get; private set; }

    public GatewayClient CreateClient()
    {
        LastEndpoint = ResolvedGateway;
        var tokenFile = TokenFile ?? Environment.GetEnvironmentVariable("SENSORSTREAM_GATEWAY_TOKEN_FILE");
        return new GatewayClient(new GatewayClientOptions
        {
            Endpoint = new Uri(ResolvedGateway),
            AuthToken = tokenFile is null ? null : File.ReadAllText(tokenFile).Trim(),
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
