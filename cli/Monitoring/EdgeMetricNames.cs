namespace SensorStream.Cli.Monitoring;

/// <summary>
/// Prometheus names of the edge collector's metrics (meter SensorStream.Edge, instruments sensorstream.edge.*, as the
/// OpenTelemetry exporter renders them: dots to underscores, counters with _total, byte gauges with _bytes).
/// </summary>
public static class EdgeMetricNames
{
    public const string Samples = "sensorstream_edge_samples_total";
    public const string SamplesPerSecond = "sensorstream_edge_samples_per_second";
    public const string LateSamples = "sensorstream_edge_late_samples_total";
    public const string MissedSamples = "sensorstream_edge_missed_samples_total";
    public const string LatenessP99 = "sensorstream_edge_lateness_p99";
    public const string QueueDepth = "sensorstream_edge_queue_events";
    public const string QueueBytes = "sensorstream_edge_queue_bytes";
    public const string BacklogAge = "sensorstream_edge_backlog_age";
    public const string CommittedTransactions = "sensorstream_edge_committed_transactions_total";
    public const string CommittedSamples = "sensorstream_edge_committed_samples_total";
    public const string GatewayErrors = "sensorstream_edge_gateway_errors_total";

    /// <summary>1 when the collector ships through the public gateway protocol (recorded cut + read-back), 0 with explicit transactions.</summary>
    public const string PublicProtocol = "sensorstream_edge_public_protocol";

    /// <summary>Per sensor (label <c>sensor</c>): samples read more than half a period late.</summary>
    public const string SensorLateSamples = "sensorstream_edge_sensor_late_samples_total";

    /// <summary>Per sensor (label <c>sensor</c>): samples never taken (deadlines skipped, or gaps in a hardware-timed sensor's timestamps).</summary>
    public const string SensorMissedSamples = "sensorstream_edge_sensor_missed_samples_total";

    /// <summary>Per sensor (label <c>sensor</c>): failed reads (device absent or refusing, e.g. a NIC that is not there).</summary>
    public const string SensorReadErrors = "sensorstream_edge_sensor_read_errors_total";

    /// <summary>Prefix of every per-sensor metric (sensorstream.edge.sensor.*).</summary>
    private const string PerSensorPrefix = "sensorstream_edge_sensor_";

    /// <summary>
    /// Every sensor the collector reports (the <c>sensor</c> label of its per-sensor metrics), including one that never
    /// committed a sample; empty when the metrics are not served.
    /// </summary>
    public static IReadOnlyList<string> Sensors(IReadOnlyList<MetricSample>? metrics) =>
        metrics is null ? [] : metrics.Where(m => m.Name.StartsWith(PerSensorPrefix, StringComparison.Ordinal))
            .Select(m => m.Label("sensor")).OfType<string>().Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The value of the per-sensor metric <paramref name="name"/> for <paramref name="sensorId"/>, or null when not served.</summary>
    public static double? FindForSensor(IReadOnlyList<MetricSample>? metrics, string name, string sensorId) =>
        Find(metrics?.Where(m => m.Label("sensor") == sensorId).ToList(), name);

    /// <summary>The value of <paramref name="name"/>, tolerant of exporter versions that add or omit a unit suffix.</summary>
    public static double? Find(IReadOnlyList<MetricSample>? metrics, string name)
    {
        if (metrics is null) return null;
        var matches = metrics.Where(m => m.Name == name || m.Name.StartsWith(name + "_", StringComparison.Ordinal)).ToList();
        return matches.Count > 0 ? matches.Sum(m => m.Value) : null;
    }
}
