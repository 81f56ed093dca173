using SensorStream.Streams.Events;

namespace SensorStream.Cli.Plotting;

/// <summary>One bin of a series: its start (ns since the Unix epoch) and value (a rate per second, a mean, or a running total).</summary>
public readonly record struct BinPoint(long StartNanos, double Value);

/// <summary>
/// One plotted series: a sensor's column in a unit (e.g. <c>bytes/s</c>; for a gauge, its column name), one point per
/// bin that holds data. Series of one unit share a panel.
/// </summary>
public sealed record PlotSeries(string Sensor, string Column, string Unit, IReadOnlyList<BinPoint> Points)
{
    public string Name => $"{Sensor} {Column}";
}

/// <summary>
/// Turns batches into per-bin series inside a time window. Cumulative counters (long columns named …Bytes, …Packets,
/// …Errors, …Drops) become rates: per bin, the sum of the increases between consecutive readings (wraps and resets as
/// <see cref="CounterDelta"/>) divided by the time those readings span, so a bin only partly covered still shows the true
/// rate; readings further apart than one bin (the collector was stopped, e.g. between runs) are not bridged. With
/// <see cref="Totals"/> it also keeps the cumulative increase since the window's start. Every other column is a gauge:
/// the mean, min and max of its samples per bin.
/// </summary>
public sealed class SeriesBuilder(long? fromNanos, long toNanos, long binNanos, string? sensorFilter = null)
{
    // The synthetic sensor's Sample is its sequence number: as a rate it shows samples/s.
    private static readonly (string Suffix, string Unit)[] Counters =
        [("Bytes", "bytes"), ("Packets", "packets"), ("Errors", "errors"), ("Drops", "drops"), ("Sample", "samples")];

    private sealed class Accumulator(string unit, bool counter)
    {
        public string Unit { get; } = unit;
        public bool Counter { get; } = counter;
        public long? LastT;
        public long LastV;
        public readonly SortedDictionary<long, (double Sum, double Span, long N, double Min, double Max)> Bins = new();
    }

    private readonly Dictionary<(string Sensor, string Column), Accumulator> _series = new();

    /// <summary>Also produce each counter's running total (unit without "/s").</summary>
    public bool Totals { get; init; }

    /// <summary>The window's start: as given, else the first sample's second (ns since the Unix epoch; null before any sample).</summary>
    public long? FromNanos => fromNanos;

    public long ToNanos => toNanos;

    public long BinNanos => binNanos;

    /// <summary>Sensors with data in the window (filled by <see cref="Build"/>).</summary>
    public List<string> Sensors { get; } = [];

    public void Add(SampleBatch batch)
    {
        if (sensorFilter is not null && batch.SensorId != sensorFilter) return;
        var t = batch.TimestampNanos;
        if (batch.Count == 0) return;
        fromNanos ??= t[0] - t[0] % 1_000_000_000;
        if (t[^1] < fromNanos - binNanos || t[0] > toNanos) return;
        foreach (var (name, values) in batch.LongColumns)
        {
            var counter = Counters.FirstOrDefault(c => name.EndsWith(c.Suffix, StringComparison.Ordinal));
            var acc = Series(batch.SensorId, name, counter.Unit ?? name, counter.Unit is not null);
            for (var i = 0; i < batch.Count; i++) Add(acc, t[i], values[i]);
        }
        foreach (var (name, values) in batch.DoubleColumns)
        {
            var acc = Series(batch.SensorId, name, name, false);
            for (var i = 0; i < batch.Count; i++) AddGauge(acc, t[i], values[i]);
        }
    }

    private Accumulator Series(string sensor, string column, string unit, bool counter)
    {
        if (!_series.TryGetValue((sensor, column), out var acc)) _series[(sensor, column)] = acc = new Accumulator(unit, counter);
        return acc;
    }

    private void Add(Accumulator acc, long t, long v)
    {
        if (!acc.Counter)
        {
            AddGauge(acc, t, v);
            return;
        }
        if (acc.LastT is { } lastT && t > lastT && t - lastT <= binNanos && InWindow(t))
        {
            var bin = BinOf(t);
            var b = acc.Bins.GetValueOrDefault(bin);
            acc.Bins[bin] = (b.Sum + CounterDelta.Between(acc.LastV, v), b.Span + (t - lastT), b.N + 1, 0, 0);
        }
        if (acc.LastT is null || t > acc.LastT) (acc.LastT, acc.LastV) = (t, v);
    }

    private void AddGauge(Accumulator acc, long t, double v)
    {
        if (!InWindow(t) || !double.IsFinite(v)) return;
        var bin = BinOf(t);
        acc.Bins[bin] = acc.Bins.TryGetValue(bin, out var b) ? (b.Sum + v, 0, b.N + 1, Math.Min(b.Min, v), Math.Max(b.Max, v)) : (v, 0, 1, v, v);
    }

    private bool InWindow(long t) => t >= fromNanos && t < toNanos;

    /// <summary>Bins on a fixed grid (multiples of the bin width since the epoch), whatever the window's start.</summary>
    private long BinOf(long t) => t - t % binNanos;

    /// <summary>
    /// The series, rates as <c>unit/s</c>; a series that is 0 in every bin is left out (<see cref="AllZero"/> names it),
    /// so flat lines do not hide the others.
    /// </summary>
    public IReadOnlyList<PlotSeries> Build()
    {
        var result = new List<PlotSeries>();
        AllZero.Clear();
        foreach (var ((sensor, column), acc) in _series.OrderBy(kv => kv.Key.Sensor, StringComparer.Ordinal).ThenBy(kv => kv.Key.Column, StringComparer.Ordinal))
        {
            if (acc.Bins.Count == 0) continue;
            if (!Sensors.Contains(sensor)) Sensors.Add(sensor);
            if (acc.Bins.Values.All(b => b.Sum == 0))
            {
                AllZero.Add($"{sensor} {column}");
                continue;
            }
            if (acc.Counter)
            {
                result.Add(new PlotSeries(sensor, column, acc.Unit + "/s", acc.Bins.Select(b => new BinPoint(b.Key, b.Value.Sum * 1e9 / b.Value.Span)).ToList()));
                if (Totals)
                {
                    double total = 0;
                    result.Add(new PlotSeries(sensor, column + " total", acc.Unit, acc.Bins.Select(b => new BinPoint(b.Key, total += b.Value.Sum)).ToList()));
                }
            }
            else
            {
                // A gauge's panel is its own column; min and max with the mean, so a bin's mean does not hide a fast signal.
                result.Add(new PlotSeries(sensor, column + " mean", column, acc.Bins.Select(b => new BinPoint(b.Key, b.Value.Sum / b.Value.N)).ToList()));
                if (acc.Bins.Values.Any(b => b.Min != b.Max))
                {
                    result.Add(new PlotSeries(sensor, column + " min", column, acc.Bins.Select(b => new BinPoint(b.Key, b.Value.Min)).ToList()));
                    result.Add(new PlotSeries(sensor, column + " max", column, acc.Bins.Select(b => new BinPoint(b.Key, b.Value.Max)).ToList()));
                }
            }
        }
        return result;
    }

    /// <summary>Series left out of <see cref="Build"/> because they are 0 throughout (e.g. NIC error counters).</summary>
    public List<string> AllZero { get; } = [];
}
