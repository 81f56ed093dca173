using System.ComponentModel;
using System.Globalization;
using SensorStream.Cli.Local;
using SensorStream.Cli.Plotting;
using SensorStream.Cli.Reading;
using SensorStream.Streams.Configuration;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SensorStream.Cli.Commands;

/// <summary>Plots a stream's samples per time bin: counters as rates, gauges as means, one panel per unit.</summary>
[Description("Plot a stream to a PNG: counters (bytes, packets) as rates per second per bin, other columns as bin means; one panel per unit; " +
             "default window: the latest run.")]
public sealed class PlotCommand : AsyncCommand<PlotCommand.Settings>
{
    public sealed class Settings : StreamSettings
    {
        [CommandOption("--to <FILE>")]
        [Description("PNG file to write (default: <data-dir>/plots/<scope>-<stream>.png).")]
        public string? To { get; init; }

        [CommandOption("--sensor <ID>")]
        [Description("Only this SensorId (default: every sensor).")]
        public string? Sensor { get; init; }

        [CommandOption("--since <TIME>")]
        [Description("Window start: a UTC time (2026-11-30T05:00:00Z) or a duration ago (10m). Default: the latest run's start, " +
                     "else the stream's first sample.")]
        public string? Since { get; init; }

        [CommandOption("--until <TIME>")]
        [Description("Window end, as --since. Default: the latest run's end, else now.")]
        public string? Until { get; init; }

        [CommandOption("--bin <DURATION>")]
        [Description("Time bin: rates are averaged and gauges averaged over each bin (e.g. 100ms, 1s, 1m).")]
        [DefaultValue("1s")]
        public string Bin { get; init; } = "1s";

        [CommandOption("--totals")]
        [Description("Also plot each counter's running total since the window's start.")]
        public bool Totals { get; init; }

        [CommandOption("--data <FILE>")]
        [Description("Also write the plotted numbers as CSV (bin_start_utc,sensor,column,unit,value).")]
        public string? Data { get; init; }

        [CommandOption("--width <PIXELS>")]
        [DefaultValue(1400)]
        public int Width { get; init; } = 1400;

        [CommandOption("--height <PIXELS>")]
        [DefaultValue(800)]
        public int Height { get; init; } = 800;

        public TimeSpan BinSpan => DurationText.TryParse(Bin, TimeSpan.FromSeconds(1), out var b) ? b : TimeSpan.Zero;

        public override ValidationResult Validate()
        {
            if (To is not null && !To.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) return ValidationResult.Error($"--to: '{To}' must end with .png");
            if (Width is < 100 or > 10000 || Height is < 100 or > 10000) return ValidationResult.Error("--width/--height must be between 100 and 10000 pixels");
            if (BinSpan < TimeSpan.FromMilliseconds(1) || BinSpan > TimeSpan.FromDays(1)) return ValidationResult.Error($"--bin: '{Bin}' is not a duration between 1ms and 1d (e.g. 1s)");
            if (Since is not null && ParseTime(Since) is null) return ValidationResult.Error($"--since: '{Since}' is neither a UTC time (2026-11-30T05:00:00Z) nor a duration ago (10m)");
            if (Until is not null && ParseTime(Until) is null) return ValidationResult.Error($"--until: '{Until}' is neither a UTC time nor a duration ago");
            return base.Validate();
        }

        /// <summary>A UTC time, or now minus a duration; null when neither.</summary>
        public static DateTimeOffset? ParseTime(string text) =>
            DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t
            : DurationText.TryParse(text, TimeSpan.FromSeconds(1), out var ago) ? DateTimeOffset.UtcNow - ago : null;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken ct)
    {
        await using var access = await PipelineAccess.OpenAsync(settings, "plot", needsGateway: true, needsStorage: false, ct);
        // Default window: the latest run of the data folder (when the stream is the one it ran), else everything.
        var run = access.LastRun is { } r && r.Stream == settings.StreamName.ToString() ? r : null;
        var since = settings.Since is { } s ? Settings.ParseTime(s) : run?.Started;
        var until = settings.Until is { } u ? Settings.ParseTime(u) : run?.Ended ?? DateTimeOffset.UtcNow;
        var builder = new SeriesBuilder(since is null ? null : Nanos(since.Value), Nanos(until!.Value), settings.BinSpan.Ticks * 100, settings.Sensor)
        {
            Totals = settings.Totals,
        };
        await foreach (var e in StreamBatches.ReadAllAsync(access.Gateway, settings.StreamName, ct))
            if (e.Batch is not null) builder.Add(e.Batch);
        var series = builder.Build();
        var from = builder.FromNanos is { } f ? SensorPlot.Time(f) : "-";
        var window = $"{from} – {SensorPlot.Time(builder.ToNanos)} UTC";
        if (series.Count == 0)
            throw new CliException(ExitCodes.CheckFailed, $"plot: stream {settings.StreamName} holds no plottable samples in {window}" +
                                                          (settings.Sensor is null ? "" : $" for sensor '{settings.Sensor}'") +
                                                          (builder.AllZero.Count > 0 ? $" (all 0: {string.Join(", ", builder.AllZero)})" : ""));
        var title = $"{settings.StreamName} — {string.Join(", ", builder.Sensors)} — {window}{(run is not null && settings.Since is null ? " (latest run)" : "")}, " +
                    $"{settings.Bin} bins";
        var subtitle = builder.AllZero.Count > 0 ? $"0 throughout, not drawn: {string.Join(", ", builder.AllZero)}" : null;
        var to = Path.GetFullPath(settings.To ?? Path.Combine(settings.ResolvedDataDir, "plots", $"{settings.StreamName.Scope}-{settings.StreamName.Stream}.png"));
        var points = SensorPlot.Save(series, title, subtitle, builder.BinNanos, to, settings.Width, settings.Height);
        if (settings.Data is { } data) SeriesCsv.Write(series, data);
        // Plain output, not Spectre markup: result lines must not be wrapped at the terminal width when scripts read them.
        Console.WriteLine($"wrote {to}: {series.Count} series in {series.Select(x => x.Unit).Distinct().Count()} panels, {points} points ({window})");
        return ExitCodes.Ok;
    }

    private static long Nanos(DateTimeOffset t) => (t.UtcTicks - DateTime.UnixEpoch.Ticks) * 100;
}
