using SensorStream.Cli;
using SensorStream.Cli.Commands;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName(SensorStream.Cli.Local.DataFolder.Command); // the name that works: ./sensorstream in a clone, sensorstream as a tool
    config.SetExceptionHandler((e, _) => CliErrors.Report(e, args));
    config.UseStrictParsing(); // an unknown or misspelled flag is refused (exit 2), never ignored
    config.AddCommand<RunCommand>("run").WithDescription(RunCommand.HelpDescription).WithExample("run", "--duration", "60s");
    config.AddCommand<StatusCommand>("status").WithExample("status", "sensorstream/sensors");
    config.AddBranch("export", export =>
    {
        export.SetDescription("Exported CSV and Parquet files: `export get` downloads them.");
        export.AddCommand<ExportGetCommand>("get").WithExample("export", "get", "sensorstream/sensors", "--to", "exports");
    });
    config.AddCommand<TailCommand>("tail").WithExample("tail", "sensorstream/sensors", "--from-head", "--count", "5");
    config.AddCommand<VerifyCommand>("verify").WithExample("verify", "sensorstream/sensors");
    config.AddCommand<PlotCommand>("plot").WithExample("plot", "sensorstream/sensors", "--to", "traffic.png");
});
return await app.RunAsync(args);
