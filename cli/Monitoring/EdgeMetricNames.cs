namespace SensorStream.Cli.Monitoring;

/// <summary>Names of the edge collector's Prometheus metrics the CLI shows (OpenTelemetry exporter naming).</summary>
public static class EdgeMetricNames
{
    public const string Samples = "sensorstream_samples_total";
    public const string LateSamples = "sensorstream_samples_late_total";
    public const string MissedSamples = "sensorstream_samples_missed_total";
    public const string QueueDepth = "sensorstream_queue_events";
    public const string QueueBytes = "sensorstream_queue_bytes";
    public const string CommittedTransactions = "sensorstream_transactions_committed_total";
}
