using Spectre.Console.Cli;

namespace SensorStream.Cli.Commands;

/// <summary>
/// Commands that also read the pipeline's Blob Storage: a connection string named by flag or environment is used as
/// given; otherwise the local run's Azurite (see <see cref="Local.PipelineAccess"/>).
/// </summary>
public class LocalRunSettings : StreamSettings
{
    [CommandOption("--storage <CONNECTION_STRING>")]
    [SettingHelp("Storage")]
    public string? Storage { get; init; }

    /// <summary>The storage named by <c>--storage</c> or <c>AzureWebJobsStorage</c>; null means "the local run's".</summary>
    public string? NamedStorage => Storage ?? FromEnvironment("Storage");
}
