namespace SensorStream.Streams.Events;

/// <summary>
/// "Flatten": one event becomes <see cref="SampleBatch.Count"/> rows. Column order is fixed:
/// SensorId, Sequence, TimestampNanos, then long columns, then double columns, then scalars (repeated per row).
/// </summary>
public static class Flatten
{
    public static IReadOnlyList<string> ColumnNames(SampleBatch batch) =>
        [SampleBatch.SensorIdField, "Sequence", SampleBatch.TimestampField,
         .. batch.LongColumns.Select(c => c.Key), .. batch.DoubleColumns.Select(c => c.Key), .. batch.Scalars.Select(s => s.Key)];

    /// <summary>Sequence number of sample <paramref name="index"/>.</summary>
    public static long Sequence(SampleBatch batch, int index) => batch.FirstSequence + index;
}
