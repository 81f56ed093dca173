using System.Globalization;

namespace SensorStream.Cli.Plotting;

/// <summary>The plotted numbers as CSV (<c>plot --data FILE.csv</c>): <c>bin_start_utc,sensor,column,unit,value</c>, one row per series and bin.</summary>
public static class SeriesCsv
{
    public static void Write(IReadOnlyList<PlotSeries> series, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var writer = new StreamWriter(path);
        writer.WriteLine("bin_start_utc,sensor,column,unit,value");
        foreach (var s in series)
            foreach (var p in s.Points)
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{SensorPlot.ToDate(p.StartNanos):yyyy-MM-ddTHH:mm:ss.fffZ},{s.Sensor},{s.Column},{s.Unit},{p.Value:R}"));
    }
}
