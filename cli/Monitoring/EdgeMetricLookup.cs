using SensorStream.Streams.Monitoring;

namespace SensorStream.Cli.Monitoring;

/// <summary>Finds the collector's instruments (<see cref="EdgeInstruments"/>) in a scrape of its Prometheus endpoint.</summary>
public static class EdgeMetricLookup
{
    /// <summary>
    /// Every sensor the collector reports (the <see cref="EdgeInstruments.SensorLabel"/> label of its per-sensor
    /// instruments), including one that never committed a sample; empty when the metrics are not served.
    /// </summary>
    public static IReadOnlyList<string> Sensors(IReadOnlyList<MetricSample>? metrics) =>
        metrics is null ? [] : EdgeInstruments.PerSensor
            .SelectMany(instrument => metrics.Where(m => Matches(m, instrument)))
            .Select(m => m.Label(EdgeInstruments.SensorLabel)).OfType<string>().Distinct(StringComparer.Ordinal).ToList();

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
        var matches = metrics.Where(m => Matches(m, instrument)).ToList();
        return matches.Count > 0 ? matches.Sum(m => m.Value) : null;
    }

    /// <summary>Whether <paramref name="sample"/> is of <paramref name="instrument"/>, with or without a unit suffix.</summary>
    private static bool Matches(MetricSample sample, MetricInstrument instrument) =>
        sample.Name == instrument.PrometheusName || sample.Name.StartsWith(instrument.PrometheusName + "_", StringComparison.Ordinal);
}
