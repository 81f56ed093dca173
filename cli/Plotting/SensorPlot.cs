using System.Globalization;
using ScottPlot;
using SkiaSharp;

namespace SensorStream.Cli.Plotting;

/// <summary>
/// Renders series as one panel per unit (bytes/s, packets/s, value, …) stacked in one PNG over a shared UTC time axis:
/// each series a line through its bin points with markers, broken where bins are missing, in its own colour and — within
/// a panel — its own line pattern and marker shape, so series with equal values (RxBytes = TxBytes on loopback) stay
/// distinguishable where they overlap; the legend to the right of the data; the first panel's title names the stream,
/// sensors, window and bin.
/// </summary>
public static class SensorPlot
{
    /// <summary>Writes the PNG; returns the number of points drawn.</summary>
    public static long Save(IReadOnlyList<PlotSeries> series, string title, string? subtitle, long binNanos, string path, int width, int height)
    {
        var panels = series.GroupBy(s => s.Unit).OrderBy(g => g.Key.EndsWith("/s") ? 0 : 1).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        var palette = new ScottPlot.Palettes.Category10();
        var colours = series.Select((s, i) => (s.Name, Colour: palette.GetColor(i))).ToDictionary(x => x.Name, x => x.Colour);
        long points = 0;
        var plots = new List<Plot>();
        foreach (var panel in panels)
        {
            var plot = new Plot();
            var index = 0;
            foreach (var s in panel)
            {
                var (pattern, marker) = Styles[index++ % Styles.Length];
                var first = true;
                foreach (var run in Contiguous(s.Points, binNanos))
                {
                    var xs = run.Select(p => ToDate(p.StartNanos + binNanos / 2).ToOADate()).ToArray();
                    var ys = run.Select(p => p.Value).ToArray();
                    var scatter = plot.Add.Scatter(xs, ys, colours[s.Name]);
                    scatter.MarkerSize = run.Count > 300 ? 0 : 5;
                    scatter.MarkerShape = marker;
                    scatter.LinePattern = pattern;
                    scatter.LineWidth = 1.5f;
                    if (first) scatter.LegendText = s.Name;
                    first = false;
                }
                points += s.Points.Count;
            }
            plot.Axes.DateTimeTicksBottom();
            plot.YLabel(panel.Key);
            plot.XLabel("time (UTC)");
            plot.ShowLegend(Edge.Right);
            plots.Add(plot);
        }
        plots[0].Title(subtitle is null ? title : $"{title}\n{subtitle}", size: 13);

        foreach (var plot in plots) plot.Axes.AutoScale();
        // One time range in every panel, and the same padding, so the panels' time axes line up.
        var left = plots.Min(p => p.Axes.GetLimits().Left);
        var right = plots.Max(p => p.Axes.GetLimits().Right);
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        surface.Canvas.Clear(SKColors.White);
        var each = height / plots.Count;
        for (var i = 0; i < plots.Count; i++)
        {
            plots[i].Axes.SetLimitsX(left, right);
            plots[i].Layout.Fixed(new PixelPadding(90, 300, 72, i == 0 ? (subtitle is null ? 50 : 75) : 30));
            // Each panel on its own surface, then stacked: a plot clears the whole canvas it renders on.
            using var panel = SKSurface.Create(new SKImageInfo(width, each));
            plots[i].Render(panel.Canvas, width, each);
            using var snapshot = panel.Snapshot();
            surface.Canvas.DrawImage(snapshot, 0, i * each);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        using (var file = File.Create(path)) png.SaveTo(file);
        return points;
    }

    /// <summary>Line pattern and marker shape of the 1st, 2nd, … series of a panel (solid lines first).</summary>
    private static readonly (LinePattern Pattern, MarkerShape Marker)[] Styles =
    [
        (LinePattern.Solid, MarkerShape.FilledCircle),
        (LinePattern.Dashed, MarkerShape.OpenSquare),
        (LinePattern.Dotted, MarkerShape.OpenTriangleUp),
        (LinePattern.DenselyDashed, MarkerShape.OpenDiamond),
    ];

    /// <summary>The points split where a bin is missing, so a line never bridges a gap.</summary>
    private static IEnumerable<List<BinPoint>> Contiguous(IReadOnlyList<BinPoint> points, long binNanos)
    {
        var run = new List<BinPoint>();
        foreach (var p in points)
        {
            if (run.Count > 0 && p.StartNanos - run[^1].StartNanos > binNanos)
            {
                yield return run;
                run = [];
            }
            run.Add(p);
        }
        if (run.Count > 0) yield return run;
    }

    public static DateTime ToDate(long unixNanos) => DateTime.UnixEpoch.AddTicks(unixNanos / 100);

    public static string Time(long unixNanos) => ToDate(unixNanos).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
