using SensorStream.Streams.Monitoring;

namespace SensorStream.Cli.Monitoring;

/// <summary>Finds the collector's instruments (<see cref="EdgeInstruments"/>) in a scrape of its Prometheus endpoint.</summary>
public static class EdgeMetricLookup
{
    /// <summary>The value of the per-sensor <paramref name="instrument"/> for <paramref name="sensorId"/>, or null when not served.</summary>
    public static double? FindForSensor(IReadOnlyList<MetricSample>? metrics, MetricInstrument instrument, string sensorId) =>
        Find(metrics?.Where(m => m.Label(EdgeInstruments.SensorLabel) == sensorId).ToList(), instrument);

    /// <summary>
    /// The value of <paramref name="instrument"/> (summed over its label sets), or null when not served; tolerant of
    /// exporter versions that add a unit suffix after <see cref="MetricInstrument.PrometheusName"/>.
    /// </summary>
    public static double? Find(IReadOnlyList<MetricSample>? metrics, MetricInstrument instrument)
    {
        if (metrics is null) return null;
        var name = instrument.PrometheusName;
        var matches = metrics.Where(m => m.Name == name || m.Name.StartsWith(name + "_", StringComparison.Ordinal)).ToList();
        return matches.Count > 0 ? matches.Sum(m => m.Value) : null;
    }
}
