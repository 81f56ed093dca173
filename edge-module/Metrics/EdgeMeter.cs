using System.Diagnostics.Metrics;
using SensorStream.Streams.Monitoring;

namespace SensorStream.EdgeModule.Metrics;

/// <summary>
/// The collector's metrics as System.Diagnostics.Metrics instruments (meter <see cref="Name"/>), which the
/// OpenTelemetry Prometheus exporter serves. Observable instruments read one cached snapshot per scrape.
/// </summary>
public sealed class EdgeMeter : IDisposable
{
    public const string Name = EdgeInstruments.MeterName;

    private readonly Meter _meter = new(Name);
    private readonly Func<CollectorMetrics> _snapshot;
    private CollectorMetrics? _cached;
    private DateTime _cachedAt;

    public EdgeMeter(Func<CollectorMetrics> snapshot)
    {
        _snapshot = snapshot;
        Counter(EdgeInstruments.Samples, "{sample}", "Samples recorded", m => m.SamplesTotal);
        Gauge(EdgeInstruments.SamplesPerSecond, "{sample}/s", "Samples recorded in the last complete second", m => m.SamplesPerSecond);
        Counter(EdgeInstruments.LateSamples, "{sample}", "Samples taken more than half a period late", m => m.LateSamples);
        Counter(EdgeInstruments.MissedSamples, "{sample}", "Samples never taken (deadlines skipped)", m => m.MissedSamples);
        Gauge(EdgeInstruments.LatenessP99, "us", "99th percentile of sampling lateness", m => m.LatenessP99Micros);
        Gauge(EdgeInstruments.LatenessMax, "us", "Largest sampling lateness", m => m.LatenessMaxMicros);
        Gauge(EdgeInstruments.QueueEvents, "{event}", "Events in the SQLite queue", m => m.QueueEvents);
        Gauge(EdgeInstruments.QueueBytes, "By", "Bytes of events in the SQLite queue", m => m.QueueBytes);
        Gauge(EdgeInstruments.BacklogAge, "s", "Age of the oldest queued event", m => m.BacklogAgeSeconds);
        Counter(EdgeInstruments.RejectedSamples, "{sample}", "Samples refused because the queue was full", m => m.RejectedSamples);
        Counter(EdgeInstruments.DroppedSamples, "{sample}", "Queued samples dropped (drop-oldest policy)", m => m.DroppedSamples);
        Counter(EdgeInstruments.QueueDamageGaps, "{range}", "Sample ranges recorded lost after queue database damage, replacement or rollback", m => m.QueueDamageGaps);
        Counter(EdgeInstruments.QueueDamageLostSamples, "{sample}", "Samples in those ranges", m => m.QueueDamageLostSamples);
        Counter(EdgeInstruments.CommittedTransactions, "{transaction}", "Stream transactions committed", m => m.CommittedTransactions);
        Counter(EdgeInstruments.CommittedSamples, "{sample}", "Samples committed into the stream", m => m.CommittedSamples);
        Gauge(EdgeInstruments.PublicProtocol, "{mode}", "1 when shipping through the public gateway protocol (recorded cut + read-back), 0 with explicit transactions",
            m => m.GatewayProtocol == "public" ? 1 : 0);
        Counter(EdgeInstruments.RecoveryReads, "{read}", "Public protocol: recovery reads of the stream from a recorded cut", m => m.RecoveryReads);
        Gauge(EdgeInstruments.LastRecoveryRead, "ms", "Public protocol: duration of the last recovery read", m => m.LastRecoveryReadMillis);
        Counter(EdgeInstruments.GatewayErrors, "{error}", "Failed gateway attempts (each followed by a back-off)", m => m.GatewayErrors);
        PerSensor(EdgeInstruments.SensorSamples, "{sample}", "Samples recorded, per sensor", s => s.Samples);
        PerSensor(EdgeInstruments.SensorLateSamples, "{sample}", "Samples read more than half a period late, per sensor", s => s.LateSamples);
        PerSensor(EdgeInstruments.SensorMissedSamples, "{sample}", "Samples never taken (deadlines skipped or timestamp gaps), per sensor", s => s.MissedSamples);
        PerSensor(EdgeInstruments.SensorReadErrors, "{error}", "Failed reads, per sensor", s => s.ReadErrors);
    }

    /// <summary>A counter with one measurement per sensor, labelled <c>sensor</c>.</summary>
    private void PerSensor(MetricInstrument counter, string unit, string description, Func<SensorMetrics, long> value) =>
        _meter.CreateObservableCounter(Expect(counter, isCounter: true).Name,
            () => Current().PerSensor.Select(s => new Measurement<long>(value(s), new KeyValuePair<string, object?>(EdgeInstruments.SensorLabel, s.SensorId))),
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

    private void Counter(MetricInstrument counter, string unit, string description, Func<CollectorMetrics, long> value) =>
        _meter.CreateObservableCounter(Expect(counter, isCounter: true).Name, () => value(Current()), unit, description);

    private void Gauge(MetricInstrument gauge, string unit, string description, Func<CollectorMetrics, double> value) =>
        _meter.CreateObservableGauge(Expect(gauge, isCounter: false).Name, () => value(Current()), unit, description);

    /// <summary>The instrument's declared kind decides its Prometheus name (<c>_total</c>): creating it as the other kind is a bug.</summary>
    private static MetricInstrument Expect(MetricInstrument instrument, bool isCounter) =>
        instrument.IsCounter == isCounter ? instrument
            : throw new InvalidOperationException($"{instrument.Name} is declared a {(instrument.IsCounter ? "counter" : "gauge")} in EdgeInstruments");

    public void Dispose() => _meter.Dispose();
}
