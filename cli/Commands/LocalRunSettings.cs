using System.ComponentModel;
using SensorStream.Cli.Local;
using Spectre.Console.Cli;

namespace SensorStream.Cli.Commands;

/// <summary>
/// Endpoints for commands that read a running pipeline: explicit flags first, then environment, then the
/// <c>run.json</c> a local `sensorstream run` publishes in its data folder, then the local defaults.
/// </summary>
public class LocalRunSettings : StreamSettings
{
    [CommandOption("--storage <CONNECTION_STRING>")]
    [Description("Blob Storage connection string (env AzureWebJobsStorage; default: the local run's Azurite, else UseDevelopmentStorage=true).")]
    public string? Storage { get; init; }

    [CommandOption("--data-dir <DIR>")]
    [Description("Data folder of a local `sensorstream run` whose endpoints to use.")]
    [DefaultValue(".sensorstream")]
    public string DataDir { get; init; } = ".sensorstream";

    public RunState? LocalRun => RunState.Load(Path.GetFullPath(DataDir));

    public string ResolvedStorage =>
        Storage ?? Environment.GetEnvironmentVariable("AzureWebJobsStorage") ?? LocalRun?.StorageConnectionString ?? "UseDevelopmentStorage=true";

    public override string ResolvedGateway =>
        Gateway ?? Environment.GetEnvironmentVariable("SENSORSTREAM_GATEWAY") ?? LocalRun?.Gateway ?? DefaultEndpoint;
}
