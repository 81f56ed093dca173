namespace SensorStream.Streams.Monitoring;

/// <summary>
/// One System.Diagnostics.Metrics instrument as both sides know it: the collector creates it by <see cref="Name"/>
/// (OpenTelemetry semantic-convention style, dot-separated, e.g. <c>sensorstream.edge.samples</c>) and a reader of the
/// Prometheus text finds it by <see cref="PrometheusName"/>.
/// </summary>
/// <param name="Name">The instrument name, lower case, dot-separated.</param>
/// <param name="IsCounter">True for a (monotonic) counter, false for a gauge.</param>
public sealed record MetricInstrument(string Name, bool IsCounter)
{
    /// <summary>
    /// The name the OpenTelemetry Prometheus exporter serves, without a unit suffix: dots become underscores and counters
    /// get <c>_total</c> (OpenTelemetry specification, "Prometheus and OpenMetrics compatibility", metric names). The
    /// exporter may append a unit (<c>_bytes</c>, <c>_seconds</c>) before <c>_total</c> depending on its version; a
    /// reader should accept <c>PrometheusName</c> followed by <c>_</c> and a suffix.
    /// </summary>
    public string PrometheusName => Name.Replace('.', '_') + (IsCounter ? "_total" : "");

    /// <summary>A counter named <paramref name="name"/>.</summary>
    public static MetricInstrument Counter(string name) => new(name, IsCounter: true);

    /// <summary>A gauge named <paramref name="name"/>.</summary>
    public static MetricInstrument Gauge(string name) => new(name, IsCounter: false);
}
