using System.ComponentModel;
using SensorStream.Cli.Plotting;
using SensorStream.Cli.Reading;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SensorStream.Cli.Commands;

/// <summary>Scatter plot of a stream's samples against time (rates for byte/packet counters).</summary>
[Description("Plot a stream to a PNG: RxBytes/TxBytes as bytes/s, or X/Y/Z, against time (scatter).")]
public sealed class PlotCommand : AsyncCommand<PlotCommand.Settings>
{
    public sealed class Settings : StreamSettings
    {
        [CommandOption("--to <FILE>")]
        [Description("PNG file to write.")]
        public string To { get; init; } = "";

        [CommandOption("--sensor <ID>")]
        [Description("Only this SensorId (default: every sensor).")]
        public string? Sensor { get; init; }

        [CommandOption("--width <PIXELS>")]
        [DefaultValue(1200)]
        public int Width { get; init; } = 1200;

        [CommandOption("--height <PIXELS>")]
        [DefaultValue(600)]
        public int Height { get; init; } = 600;

        public override ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(To)) return ValidationResult.Error("--to FILE.png is required");
            if (!To.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) return ValidationResult.Error($"--to: '{To}' must end with .png");
            if (Width is < 100 or > 10000 || Height is < 100 or > 10000) return ValidationResult.Error("--width/--height must be between 100 and 10000 pixels");
            return base.Validate();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        using var client = settings.CreateClient();
        var builder = new SeriesBuilder { SensorFilter = settings.Sensor };
        await foreach (var e in StreamBatches.ReadAllAsync(client, settings.StreamName, ct))
            if (e.Batch is not null) builder.Add(e.Batch);
        if (builder.Series.Count == 0)
        {
            Console.Error.WriteLine($"plot: stream {settings.StreamName} holds no plottable samples" +
                                    (settings.Sensor is null ? "" : $" for sensor '{settings.Sensor}'"));
            return 1;
        }
        var points = SensorPlot.Save(builder, settings.StreamName.ToString(), settings.To, settings.Width, settings.Height);
        // Plain output, not Spectre markup: result lines must not be wrapped at the terminal width when scripts read them.
        Console.WriteLine($"wrote {settings.To}: {builder.Series.Count} series, {points} points");
        return 0;
    }
}
