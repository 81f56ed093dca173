using static SensorStream.Streams.Monitoring.MetricInstrument;

namespace SensorStream.Streams.Monitoring;

/// <summary>
/// The edge collector's metrics (meter <see cref="MeterName"/>), defined once: the collector creates these instruments
/// and the CLI's live view, <c>status</c> and <c>run --plain</c> read them from its Prometheus endpoint. Units and
/// descriptions are given where the collector creates them (edge-module/Metrics/EdgeMeter.cs).
/// </summary>
public static class EdgeInstruments
{
    /// <summary>The System.Diagnostics.Metrics meter the collector's instruments belong to.</summary>
    public const string MeterName = "SensorStream.Edge";

    /// <summary>Label naming the sensor on per-sensor instruments.</summary>
    public const string SensorLabel = "sensor";

    public static readonly MetricInstrument Samples = Counter("sensorstream.edge.samples");
    public static readonly MetricInstrument SamplesPerSecond = Gauge("sensorstream.edge.samples_per_second");
    public static readonly MetricInstrument LateSamples = Counter("sensorstream.edge.late_samples");
    public static readonly MetricInstrument MissedSamples = Counter("sensorstream.edge.missed_samples");
    public static readonly MetricInstrument LatenessP99 = Gauge("sensorstream.edge.lateness_p99");
    public static readonly MetricInstrument LatenessMax = Gauge("sensorstream.edge.lateness_max");
    public static readonly MetricInstrument QueueEvents = Gauge("sensorstream.edge.queue_events");
    public static readonly MetricInstrument QueueBytes = Gauge("sensorstream.edge.queue_bytes");
    public static readonly MetricInstrument BacklogAge = Gauge("sensorstream.edge.backlog_age");
    public static readonly MetricInstrument RejectedSamples = Counter("sensorstream.edge.rejected_samples");
    public static readonly MetricInstrument DroppedSamples = Counter("sensorstream.edge.dropped_samples");
    public static readonly MetricInstrument QueueDamageGaps = Counter("sensorstream.edge.queue_damage_gaps");
    public static readonly MetricInstrument QueueDamageLostSamples = Counter("sensorstream.edge.queue_damage_lost_samples");
    public static readonly MetricInstrument CommittedTransactions = Counter("sensorstream.edge.committed_transactions");
    public static readonly MetricInstrument CommittedSamples = Counter("sensorstream.edge.committed_samples");

    /// <summary>1 when the collector ships through the public gateway protocol (recorded cut + read-back), 0 with explicit transactions.</summary>
    public static readonly MetricInstrument PublicProtocol = Gauge("sensorstream.edge.public_protocol");

    public static readonly MetricInstrument RecoveryReads = Counter("sensorstream.edge.recovery_reads");
    public static readonly MetricInstrument LastRecoveryRead = Gauge("sensorstream.edge.last_recovery_read");
    public static readonly MetricInstrument GatewayErrors = Counter("sensorstream.edge.gateway_errors");

    /// <summary>Per sensor (label <see cref="SensorLabel"/>): samples recorded.</summary>
    public static readonly MetricInstrument SensorSamples = Counter("sensorstream.edge.sensor.samples");

    /// <summary>Per sensor (label <see cref="SensorLabel"/>): samples read more than half a period late.</summary>
    public static readonly MetricInstrument SensorLateSamples = Counter("sensorstream.edge.sensor.late_samples");

    /// <summary>Per sensor (label <see cref="SensorLabel"/>): samples never taken (deadlines skipped, or gaps in a hardware-timed sensor's timestamps).</summary>
    public static readonly MetricInstrument SensorMissedSamples = Counter("sensorstream.edge.sensor.missed_samples");

    /// <summary>Per sensor (label <see cref="SensorLabel"/>): failed reads.</summary>
    public static readonly MetricInstrument SensorReadErrors = Counter("sensorstream.edge.sensor.read_errors");

    /// <summary>The per-sensor instruments (each labelled <see cref="SensorLabel"/>).</summary>
    public static readonly IReadOnlyList<MetricInstrument> PerSensor = [SensorSamples, SensorLateSamples, SensorMissedSamples, SensorReadErrors];
}
