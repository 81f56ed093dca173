namespace SensorStream.EdgeModule.Metrics;

/// <summary>A point-in-time view of the collector, for logs, the Prometheus endpoint and the IoT Edge status method.</summary>
public sealed record CollectorMetrics
{
    public DateTimeOffset At { get; init; }
    public int Sensors { get; init; }

    /// <summary>Samples recorded in the last complete second, all sensors.</summary>
    public long SamplesPerSecond { get; init; }
    public long SamplesTotal { get; init; }

    /// <summary>Samples taken more than half a period after their deadline, all sensors (<see cref="PerSensor"/> has each).</summary>
    public long LateSamples { get; init; }

    /// <summary>Samples never taken, all sensors: polled deadlines skipped while the loop was a whole period or more behind, and
    /// gaps in hardware-timed sensors' timestamps (<see cref="PerSensor"/> has each).</summary>
    public long MissedSamples { get; init; }

    /// <summary>Per sampled sensor (polled and hardware-timed; not CSV folders): samples, late, missed, read errors.</summary>
    public IReadOnlyList<SensorMetrics> PerSensor { get; init; } = [];
    public double LatenessP50Micros { get; init; }
    public double LatenessP99Micros { get; init; }
    public double LatenessMaxMicros { get; init; }
    public long SensorReadErrors { get; init; }

    public long QueueEvents { get; init; }
    public long QueueBytes { get; init; }
    public long PendingTransactions { get; init; }

    /// <summary>Age of the oldest queued event (0 when the queue is empty).</summary>
    public double BacklogAgeSeconds { get; init; }
    public long RejectedSamples { get; init; }
    public long DroppedSamples { get; init; }

    /// <summary>Sample ranges recorded lost because the queue database was damaged, replaced or rolled back (README "Queue damage").</summary>
    public long QueueDamageGaps { get; init; }

    /// <summary>Samples in those ranges.</summary>
    public long QueueDamageLostSamples { get; init; }

    public long CommittedTransactions { get; init; }
    public long CommittedEvents { get; init; }
    public long CommittedSamples { get; init; }
    public long RecoveredTransactions { get; init; }
    public long RewrittenTransactions { get; init; }
    public long GatewayErrors { get; init; }
    public bool GatewayAvailable { get; init; }
    public string? LastGatewayError { get; init; }

    /// <summary>"extended" (explicit transactions) or "public" (switched after the gateway answered UNIMPLEMENTED for them).</summary>
    public string GatewayProtocol { get; init; } = "extended";

    /// <summary>Public protocol: recovery reads of the stream from a recorded cut, and how long the last one took.</summary>
    public long RecoveryReads { get; init; }
    public double LastRecoveryReadMillis { get; init; }

    public long CsvFilesImported { get; init; }
    public long CsvRowsQuarantined { get; init; }

    public override string ToString() =>
        $"samples/s={SamplesPerSecond} total={SamplesTotal} late={LateSamples} missed={MissedSamples} " +
        $"lateness p50={LatenessP50Micros:F0}µs p99={LatenessP99Micros:F0}µs max={LatenessMaxMicros:F0}µs " +
        $"queue={QueueEvents} events/{QueueBytes} B pending={PendingTransactions} backlog={BacklogAgeSeconds:F1}s " +
        $"rejected={RejectedSamples} dropped={DroppedSamples} damage-lost={QueueDamageLostSamples} committed={CommittedTransactions} txns/{CommittedSamples} samples " +
        $"gateway={(GatewayAvailable ? "up" : "down")} errors={GatewayErrors} protocol={GatewayProtocol}" +
        (PerSensor.Count == 0 ? "" : " per-sensor late/missed: " + string.Join(", ", PerSensor.Select(s => $"{s.SensorId} {s.LateSamples}/{s.MissedSamples}")));
}
