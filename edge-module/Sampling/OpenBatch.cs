using SensorStream.EdgeModule.Sensors;
using SensorStream.Streams.Events;

namespace SensorStream.EdgeModule.Sampling;

/// <summary>
/// The batch a sensor is filling: parallel arrays sized for a full batch, numbered from the sensor's next
/// sequence. <see cref="TakeBatch"/> hands the samples over as a <see cref="SampleBatch"/> and starts a new one.
/// </summary>
internal sealed class OpenBatch
{
    private readonly ISensorSource _sensor;
    private readonly SensorShape _shape;
    private readonly int _capacity;
    private long[] _timestamps;
    private long[][] _longs;
    private double[][] _doubles;
    private readonly long[] _longRow;
    private readonly double[] _doubleRow;

    /// <summary>A batch of a polled sensor, filled by <see cref="TryAdd"/>.</summary>
    public OpenBatch(ISensor sensor, int capacity, long firstSequence) : this(sensor, sensor.Shape, capacity, firstSequence) { }

    /// <summary>A batch of any source with the given shape, filled by <see cref="Append"/>.</summary>
    public OpenBatch(ISensorSource sensor, SensorShape shape, int capacity, long firstSequence)
    {
        _sensor = sensor;
        _shape = shape;
        _capacity = capacity;
        NextSequence = firstSequence;
        _longRow = new long[shape.LongColumns.Count];
        _doubleRow = new double[shape.DoubleColumns.Count];
        (_timestamps, _longs, _doubles) = Allocate();
    }

    /// <summary>The polled sensor (only for a batch made from one).</summary>
    public ISensor Sensor => (ISensor)_sensor;

    /// <summary>Free rows before the batch is full.</summary>
    public int Room => _capacity - Count;

    public int Count { get; private set; }

    /// <summary>Sequence the next sample gets.</summary>
    public long NextSequence { get; private set; }

    /// <summary>Monotonic time of the first sample in the batch (for the flush interval).</summary>
    public long OpenedAtNanos { get; private set; }

    public bool IsFull => Count == _capacity;

    /// <summary>Time (ns since the Unix epoch) of the first sample in the batch; meaningful only when <see cref="Count"/> &gt; 0.</summary>
    public long FirstTimestampNanos => _timestamps[0];

    /// <summary>Reads the sensor into the batch; false (and nothing recorded) when the read threw.</summary>
    public bool TryAdd(long timestampNanos, long monotonicNanos, out Exception? error)
    {
        try
        {
            Sensor.Read(NextSequence, _longRow, _doubleRow);
        }
        catch (Exception e)
        {
            error = e;
            return false;
        }
        Append(timestampNanos, monotonicNanos, _longRow, _doubleRow);
        error = null;
        return true;
    }

    /// <summary>Adds one sample (the batch must not be full): its time (Unix ns), the monotonic time it was taken, its values.</summary>
    public void Append(long timestampNanos, long monotonicNanos, ReadOnlySpan<long> longs, ReadOnlySpan<double> doubles)
    {
        if (Count == 0) OpenedAtNanos = monotonicNanos;
        _timestamps[Count] = timestampNanos;
        for (var c = 0; c < longs.Length; c++) _longs[c][Count] = longs[c];
        for (var c = 0; c < doubles.Length; c++) _doubles[c][Count] = doubles[c];
        Count++;
        NextSequence++;
    }

    public SampleBatch TakeBatch()
    {
        var n = Count;
        var batch = new SampleBatch(_sensor.SensorId, NextSequence - n, Trim(_timestamps, n));
        if (SensorSchemas.Of(_sensor) is { } schema) batch.WithSchema(schema);
        var shape = _shape;
        foreach (var (name, value) in shape.Scalars) batch.WithScalar(name, value);
        for (var c = 0; c < _longs.Length; c++) batch.WithColumn(shape.LongColumns[c], Trim(_longs[c], n));
        for (var c = 0; c < _doubles.Length; c++) batch.WithColumn(shape.DoubleColumns[c], Trim(_doubles[c], n));
        (_timestamps, _longs, _doubles) = Allocate();
        Count = 0;
        return batch;
    }

    private static T[] Trim<T>(T[] values, int n) => n == values.Length ? values : values[..n];

    private (long[], long[][], double[][]) Allocate() => (
        new long[_capacity],
        _shape.LongColumns.Select(_ => new long[_capacity]).ToArray(),
        _shape.DoubleColumns.Select(_ => new double[_capacity]).ToArray());
}
