using SensorStream.Cli.Local;

namespace SensorStream.Chaos;

/// <summary>One reading: resident memory per component and bytes on disk per data folder.</summary>
public sealed record ResourceReading(TimeSpan At, IReadOnlyDictionary<string, long> RssBytes, IReadOnlyDictionary<string, long> DiskBytes);

/// <summary>
/// Samples memory (VmRSS from /proc) and disk use over a run, so a soak shows whether they stay flat
/// (no leak; SQLite space reclaimed after the queue drains).
/// </summary>
public sealed class ResourceSampler(LocalPipeline pipeline)
{
    private readonly DateTime _started = DateTime.UtcNow;

    public List<ResourceReading> Readings { get; } = [];

    public void Sample()
    {
        var rss = new Dictionary<string, long>();
        foreach (var p in pipeline.Processes)
        {
            try
            {
                if (!p.HasExited) rss[p.Name] = Rss(p.Id);
            }
            catch (InvalidOperationException)
            {
                // Stopped and disposed between listing and reading (the drain stops the collector while sampling runs).
            }
        }
        var disk = new[] { "gateway", "edge", "azurite" }.ToDictionary(d => d, d => DirectorySize(Path.Combine(pipeline.Options.DataDir, d)));
        Readings.Add(new ResourceReading(DateTime.UtcNow - _started, rss, disk));
    }

    private static long Rss(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            var kb = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            return kb is null ? 0 : long.Parse(kb) * 1024;
        }
        catch (IOException)
        {
            return 0; // the process ended between listing and reading
        }
    }

    private static long DirectorySize(string path) =>
        Directory.Exists(path) ? new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories)
            .Where(f => f.Name != EdgeDisk.FillerName).Sum(f => SafeLength(f)) : 0;

    private static long SafeLength(FileInfo f)
    {
        try { return f.Length; }
        catch (FileNotFoundException) { return 0; }
    }

    /// <summary>A table of the readings, at most <paramref name="rows"/> evenly spaced rows.</summary>
    public string Table(int rows = 12)
    {
        if (Readings.Count == 0) return "(no resource readings)";
        var names = Readings.SelectMany(r => r.RssBytes.Keys).Distinct().ToList();
        var disks = Readings[0].DiskBytes.Keys.ToList();
        var lines = new List<string>
        {
            "time     " + string.Join("", names.Select(n => $"{n + " MiB",14}")) + string.Join("", disks.Select(d => $"{"disk " + d + " MiB",20}")),
        };
        var step = Math.Max(1, Readings.Count / rows);
        for (var i = 0; i < Readings.Count; i += step)
        {
            var r = Readings[i];
            lines.Add($"{r.At:mm\\:ss}    " +
                      string.Join("", names.Select(n => $"{(r.RssBytes.TryGetValue(n, out var b) ? b / 1048576.0 : 0),14:0.0}")) +
                      string.Join("", disks.Select(d => $"{r.DiskBytes[d] / 1048576.0,20:0.0}")));
        }
        return string.Join(Environment.NewLine, lines);
    }
}
