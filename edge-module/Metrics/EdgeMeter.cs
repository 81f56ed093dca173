using System.Diagnostics.Metrics;

namespace SensorStream.EdgeModule.Metrics;

/// <summary>
/// The collector's metrics as System.Diagnostics.Metrics instruments (meter <see cref="Name"/>), which the
/// OpenTelemetry Prometheus exporter serves. Observable instruments read one cached snapshot per scrape.
/// </summary>
public sealed class EdgeMeter : IDisposable
{
    public const string Name = "SensorStream.Edge";

    private readonly Meter _meter = new(Name);
    private readonly Func<CollectorMetrics> _snapshot;
    private CollectorMetrics? _cached;
    private DateTime _cachedAt;

    public EdgeMeter(Func<CollectorMetrics> snapshot)
    {
        _snapshot = snapshot;
        Counter("sensorstream.edge.samples", "{sample}", "Samples recorded", m => m.SamplesTotal);
        Gauge("sensorstream.edge.samples_per_second", "{sample}/s", "Samples recorded in the last complete second", m => m.SamplesPerSecond);
        Counter("sensorstream.edge.late_samples", "{sample}", "Samples taken more than half a period late", m => m.LateSamples);
        Counter("sensorstream.edge.missed_samples", "{sample}", "Samples never taken (deadlines skipped)", m => m.MissedSamples);
        Gauge("sensorstream.edge.lateness_p99", "us", "99th percentile of sampling lateness", m => m.LatenessP99Micros);
        Gauge("sensorstream.edge.lateness_max", "us", "Largest sampling lateness", m => m.LatenessMaxMicros);
        Gauge("sensorstream.edge.queue_events", "{event}", "Events in the SQLite queue", m => m.QueueEvents);
        Gauge("sensorstream.edge.queue_bytes", "By", "Bytes of events in the SQLite queue", m => m.QueueBytes);
        Gauge("sensorstream.edge.backlog_age", "s", "Age of the oldest queued event", m => m.BacklogAgeSeconds);
        Counter("sensorstream.edge.rejected_samples", "{sample}", "Samples refused because the queue was full", m => m.RejectedSamples);
        Counter("sensorstream.edge.dropped_samples", "{sample}", "Queued samples dropped (drop-oldest policy)", m => m.DroppedSamples);
        Counter("sensorstream.edge.queue_damage_gaps", "{range}", "Sample ranges recorded lost after queue database damage, replacement or rollback", m => m.QueueDamageGaps);
        Counter("sensorstream.edge.queue_damage_lost_samples", "{sample}", "Samples in those ranges", m => m.QueueDamageLostSamples);
        Counter("sensorstream.edge.committed_transactions", "{transaction}", "Stream transactions committed", m => m.CommittedTransactions);
        Counter("sensorstream.edge.committed_samples", "{sample}", "Samples committed into the stream", m => m.CommittedSamples);
        Gauge("sensorstream.edge.public_protocol", "{mode}", "1 when shipping through the public gateway protocol (recorded cut + read-back), 0 with explicit transactions",
            m => m.GatewayProtocol == "public" ? 1 : 0);
        Counter("sensorstream.edge.recovery_reads", "{read}", "Public protocol: recovery reads of the stream from a recorded cut", m => m.RecoveryReads);
        Gauge("sensorstream.edge.last_recovery_read", "ms", "Public protocol: duration of the last recovery read", m => m.LastRecoveryReadMillis);
        Counter("sensorstream.edge.gateway_errors", "{error}", "Failed gateway attempts (each followed by a back-off)", m => m.GatewayErrors);
        PerSensor("sensorstream.edge.sensor.samples", "{sample}", "Samples recorded, per sensor", s => s.Samples);
        PerSensor("sensorstream.edge.sensor.late_samples", "{sample}", "Samples read more than half a period late, per sensor", s => s.LateSamples);
        PerSensor("sensorstream.edge.sensor.missed_samples", "{sample}", "Samples never taken (deadlines skipped or timestamp gaps), per sensor", s => s.MissedSamples);
        PerSensor("sensorstream.edge.sensor.read_errors", "{error}", "Failed reads, per sensor", s => s.ReadErrors);
    }

    /// <summary>A counter with one measurement per sensor, labelled <c>sensor</c>.</summary>
    private void PerSensor(string name, string unit, string description, Func<SensorMetrics, long> value) =>
        _meter.CreateObservableCounter(name,
            () => Current().PerSensor.Select(s => new Measurement<long>(value(s), new KeyValuePair<string, object?>("sensor", s.SensorId))),
            unit, description);

    private CollectorMetrics Current()
    {
        lock (_meter)
        {
            if (_cached is null || DateTime.UtcNow - _cachedAt > TimeSpan.FromMilliseconds(500))
            {
                _cached = _snapshot();
                _cachedAt = DateTime.UtcNow;
            }
            return _cached;
        }
    }

    private void Counter(string name, string unit, string description, Func<CollectorMetrics, long> value) =>
        _meter.CreateObservableCounter(name, () => value(Current()), unit, description);

    private void Gauge(string name, string unit, string description, Func<CollectorMetrics, double> value) =>
        _meter.CreateObservableGauge(name, () => value(Current()), unit, description);

    public void Dispose() => _meter.Dispose();
}
