namespace SensorStream.Streams.Events;

/// <summary>
/// One event: N samples of one sensor as parallel arrays (far smaller than an array of objects).
/// Sample k has sequence <see cref="FirstSequence"/> + k and time <see cref="TimestampNanos"/>[k];
/// every column holds exactly <see cref="Count"/> values. Scalars (e.g. Interface, RemoteAddr) apply to every sample.
/// </summary>
public sealed class SampleBatch
{
    public const string SensorIdField = "SensorId";
    public const string FirstSequenceField = "FirstSequence";
    public const string TimestampField = "TimestampNanos";
    public const string SchemaField = "Schema";
    public const string SchemaVersionField = "SchemaVersion";

    public SampleBatch(string sensorId, long firstSequence, long[] timestampNanos)
    {
        ArgumentException.ThrowIfNullOrEmpty(sensorId);
        ArgumentOutOfRangeException.ThrowIfNegative(firstSequence);
        SensorId = sensorId;
        FirstSequence = firstSequence;
        TimestampNanos = timestampNanos;
    }

    public string SensorId { get; }

    /// <summary>Per-sensor sequence number of the first sample (continues across restarts).</summary>
    public long FirstSequence { get; }

    /// <summary>Nanoseconds since the Unix epoch, one per sample.</summary>
    public long[] TimestampNanos { get; }

    public int Count => TimestampNanos.Length;

    /// <summary>
    /// The table this event's samples belong to (e.g. <c>nic</c>, <c>synthetic</c>, <c>accel</c>, <c>csv/&lt;folder&gt;</c>);
    /// null when the producer did not say — then <see cref="EventSchemas.TableOf"/> derives it.
    /// </summary>
    public string? Schema { get; private set; }

    /// <summary>The producer's version of <see cref="Schema"/>'s declared columns (≥ 1); 0 when <see cref="Schema"/> is null.</summary>
    public int SchemaVersion { get; private set; }

    /// <summary>Names the event's table; <paramref name="name"/> must pass <see cref="EventSchemas.Problem"/>.</summary>
    public SampleBatch WithSchema(string name, int version = 1)
    {
        if (EventSchemas.Problem(name) is { } problem) throw new ArgumentException(problem, nameof(name));
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        Schema = name;
        SchemaVersion = version;
        return this;
    }

    /// <summary>Sequence number the next batch of this sensor starts at.</summary>
    public long NextSequence => FirstSequence + Count;

    /// <summary>String fields that apply to every sample, in insertion order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Scalars => _scalars;

    /// <summary>Per-sample integer columns (e.g. RxBytes, TxBytes), in insertion order.</summary>
    public IReadOnlyList<KeyValuePair<string, long[]>> LongColumns => _longColumns;

    /// <summary>Per-sample floating-point columns (e.g. X, Y, Z in m/s², Value), in insertion order.</summary>
    public IReadOnlyList<KeyValuePair<string, double[]>> DoubleColumns => _doubleColumns;

    private readonly List<KeyValuePair<string, string>> _scalars = [];
    private readonly List<KeyValuePair<string, long[]>> _longColumns = [];
    private readonly List<KeyValuePair<string, double[]>> _doubleColumns = [];

    public SampleBatch WithScalar(string name, string value)
    {
        EnsureNewField(name);
        _scalars.Add(new(name, value));
        return this;
    }

    public SampleBatch WithColumn(string name, long[] values)
    {
        EnsureNewField(name);
        EnsureLength(name, values.Length);
        _longColumns.Add(new(name, values));
        return this;
    }

    public SampleBatch WithColumn(string name, double[] values)
    {
        EnsureNewField(name);
        EnsureLength(name, values.Length);
        _doubleColumns.Add(new(name, values));
        return this;
    }

    public string? Scalar(string name) => _scalars.FirstOrDefault(s => s.Key == name).Value;

    public long[]? LongColumn(string name) => _longColumns.FirstOrDefault(c => c.Key == name).Value;

    public double[]? DoubleColumn(string name) => _doubleColumns.FirstOrDefault(c => c.Key == name).Value;

    private void EnsureLength(string name, int length)
    {
        if (length != Count)
            throw new ArgumentException($"column '{name}' has {length} values but the batch has {Count} samples", name);
    }

    private void EnsureNewField(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name is SensorIdField or FirstSequenceField or TimestampField or SchemaField or SchemaVersionField ||
            _scalars.Any(s => s.Key == name) || _longColumns.Any(c => c.Key == name) || _doubleColumns.Any(c => c.Key == name))
            throw new ArgumentException($"field '{name}' is already present in the batch", name);
    }
}
