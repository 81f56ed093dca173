using ScottPlot;

namespace SensorStream.Cli.Plotting;

/// <summary>Renders series as a scatter plot (markers only: sampling jitter stays visible, as the seed recommends).</summary>
public static class SensorPlot
{
    public static long Save(SeriesBuilder builder, string title, string path, int width, int height)
    {
        var plot = new Plot();
        long points = 0;
        foreach (var s in builder.Series)
        {
            var scatter = plot.Add.ScatterPoints(s.Seconds.ToArray(), s.Values.ToArray());
            scatter.LegendText = s.Name;
            scatter.MarkerSize = 2;
            points += s.Values.Count;
        }
        var origin = builder.OriginNanos is { } o ? DateTimeOffset.FromUnixTimeMilliseconds(o / 1_000_000).UtcDateTime.ToString("u") : "";
        plot.Title(title);
        plot.XLabel($"seconds since {origin}");
        plot.YLabel(builder.Series.Any(s => s.Name.EndsWith("/s")) ? "per second" : "value");
        plot.ShowLegend();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, width, height);
        return points;
    }
}
