using System.ComponentModel;
using Spectre.Console.Cli;

namespace SensorStream.Cli.Commands;

/// <summary>
/// Commands that also read the pipeline's Blob Storage: the connection string from the flag, then environment, then
/// the local run's <c>run.json</c> (see <see cref="GatewaySettings"/>), then the development storage default.
/// </summary>
public class LocalRunSettings : StreamSettings
{
    [CommandOption("--storage <CONNECTION_STRING>")]
    [Description("Blob Storage connection string (env AzureWebJobsStorage; default: the local run's Azurite, else UseDevelopmentStorage=true).")]
    public string? Storage { get; init; }

    public string ResolvedStorage =>
        Storage ?? Environment.GetEnvironmentVariable("AzureWebJobsStorage") ?? LocalRun?.StorageConnectionString ?? "UseDevelopmentStorage=true";
}
