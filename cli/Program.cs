using System.Runtime.InteropServices;
using SensorStream.Cli;
using SensorStream.Cli.Commands;
using Spectre.Console.Cli;

// Ctrl-C, SIGTERM and SIGHUP (terminal closed) cancel the verb instead of killing the process, so a verb that started
// a gateway or Azurite stops them before it exits (`run` counts its own signals: a second one skips the summary).
// If the CLI is killed outright, the components get SIGTERM from the kernel (Processes/ChildLauncher).
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cancel.Cancel(); });
using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => { c.Cancel = true; cancel.Cancel(); });

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName(SensorStream.Cli.Local.DataFolder.Command); // the name that works: ./sensorstream in a clone, sensorstream as a tool
    config.SetExceptionHandler((e, _) => CliErrors.Report(e, args));
    config.UseStrictParsing(); // an unknown or misspelled flag is refused (exit 2), never ignored
    // Examples write under the data folder (the verbs' defaults) or /tmp, never into the working directory.
    config.AddCommand<RunCommand>("run").WithDescription(RunCommand.ShortDescription).WithExample("run", "--duration", "60s");
    config.AddCommand<StatusCommand>("status").WithExample("status", "sensorstream/sensors");
    config.AddBranch("export", export =>
    {
        export.SetDescription("Exported CSV and Parquet files: `export get` downloads them.");
        export.AddCommand<ExportGetCommand>("get").WithExample("export", "get", "sensorstream/sensors")
            .WithExample("export", "get", "sensorstream/sensors", "--format", "parquet", "--to", "/tmp/sensorstream-exports");
    });
    config.AddCommand<TailCommand>("tail").WithExample("tail", "sensorstream/sensors", "--from-head", "--count", "5");
    config.AddCommand<VerifyCommand>("verify").WithExample("verify", "sensorstream/sensors");
    config.AddCommand<PlotCommand>("plot").WithExample("plot", "sensorstream/sensors")
        .WithExample("plot", "sensorstream/sensors", "--since", "10m", "--to", "/tmp/traffic.png");
});
return await app.RunAsync(args, cancel.Token);
