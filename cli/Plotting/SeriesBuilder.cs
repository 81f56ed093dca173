using SensorStream.Streams.Events;

namespace SensorStream.Cli.Plotting;

/// <summary>One named series of (seconds since start, value) points.</summary>
public sealed record PlotSeries(string Name, List<double> Seconds, List<double> Values);

/// <summary>
/// Turns batches into plottable series: cumulative counters (RxBytes, TxBytes, …Packets) become rates per second
/// between consecutive samples, as the seed's Excel walkthrough does; floating-point columns (X, Y, Z, Value) are plotted as is.
/// </summary>
public sealed class SeriesBuilder
{
    private static readonly string[] CounterSuffixes = ["Bytes", "Packets"];
    private readonly Dictionary<string, PlotSeries> _series = new();
    private readonly Dictionary<string, (long T, long V)> _previous = new();
    private long? _origin;

    public string? SensorFilter { get; init; }

    public IReadOnlyCollection<PlotSeries> Series => _series.Values;

    public long? OriginNanos => _origin;

    public void Add(SampleBatch batch)
    {
        if (SensorFilter is not null && batch.SensorId != SensorFilter) return;
        _origin ??= batch.Count > 0 ? batch.TimestampNanos[0] : null;
        foreach (var (name, values) in batch.LongColumns)
        {
            if (!CounterSuffixes.Any(name.EndsWith)) continue;
            var key = $"{batch.SensorId} {name}/s";
            for (var i = 0; i < batch.Count; i++)
            {
                var t = batch.TimestampNanos[i];
                if (_previous.TryGetValue(key, out var p) && t > p.T)
                    Point(key, t, (values[i] - p.V) * 1e9 / (t - p.T));
                _previous[key] = (t, values[i]);
            }
        }
        foreach (var (name, values) in batch.DoubleColumns)
            for (var i = 0; i < batch.Count; i++) Point($"{batch.SensorId} {name}", batch.TimestampNanos[i], values[i]);
    }

    private void Point(string key, long t, double value)
    {
        if (!_series.TryGetValue(key, out var s)) _series[key] = s = new PlotSeries(key, [], []);
        s.Seconds.Add((t - _origin!.Value) / 1e9);
        s.Values.Add(value);
    }
}
