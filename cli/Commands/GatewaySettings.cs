using System.ComponentModel;
using SensorStream.Streams.Client;
using SensorStream.Streams.Configuration.Catalogs;
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
    [SettingHelp("Gateway")]
    public string? Gateway { get; init; }

    [CommandOption("--token-file <FILE>")]
    [SettingHelp("TokenFile")]
    public string? TokenFile { get; init; }

    [CommandOption("--ca-file <FILE>")]
    [SettingHelp("CaFile")]
    public string? CaFile { get; init; }

    [CommandOption("--data-dir <DIR>")]
    [SettingHelp("DataDir")]
    public string? DataDir { get; init; }

    /// <summary>The absolute data folder (<see cref="Local.DataFolder"/>).</summary>
    public string ResolvedDataDir => Local.DataFolder.Resolve(DataDir);

    /// <summary>The gateway named by <c>--gateway</c> or <c>SENSORSTREAM_GATEWAY</c>; null means "the local run's".</summary>
    public string? NamedGateway => Gateway ?? FromEnvironment("Gateway");

    private string? NamedTokenFile => TokenFile ?? FromEnvironment("TokenFile");

    private string? NamedCaFile => CaFile ?? FromEnvironment("CaFile");

    /// <summary>The setting's environment variable (named by the shared model), or null when unset or empty.</summary>
    protected static string? FromEnvironment(string key) =>
        Environment.GetEnvironmentVariable(CliSettings.Group[key].EnvVar!) is { Length: > 0 } value ? value : null;

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
        if (NamedGateway is { } gateway && Problem("Gateway", gateway) is { } problem) return ValidationResult.Error(problem);
        if (NamedTokenFile is { } tokenFile && !File.Exists(tokenFile))
            return ValidationResult.Error($"--token-file: '{tokenFile}' does not exist");
        if (NamedCaFile is { } caFile && !File.Exists(caFile))
            return ValidationResult.Error($"--ca-file: '{caFile}' does not exist");
        return ValidationResult.Success();
    }

    /// <summary><c>--flag: problem</c> when the shared model refuses the value (type and bounds), else null.</summary>
    public static string? Problem(string key, string value)
    {
        var setting = CliSettings.Find(key);
        try
        {
            setting.Parse(value);
            return null;
        }
        catch (FormatException e)
        {
            return $"{setting.Flag}: {e.Message}";
        }
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
