using SensorStream.Streams.Events;

namespace SensorStream.EdgeModule.Queue;

/// <summary>
/// An event ready for the queue: its routing key (the sensor id), the sequence of its first sample, its sample count
/// and its JSON form (<see cref="SampleBatchJson"/>'s wire format, at most <see cref="SampleBatchJson.MaxEventBytes"/>).
/// Producers that write the JSON themselves (the CSV importer, from the fields' text) hand these to the queue, so the
/// encoding is done on their thread, not under the queue's lock.
/// </summary>
public sealed record EncodedEvent(string SensorId, long FirstSequence, int Count, byte[] Data)
{
    /// <summary>The sequence the sensor's next sample gets.</summary>
    public long NextSequence => FirstSequence + Count;

    /// <summary>The event of <paramref name="batch"/>, serialized with <see cref="SampleBatchJson.Serialize"/>.</summary>
    public static EncodedEvent Of(SampleBatch batch) => new(batch.SensorId, batch.FirstSequence, batch.Count, SampleBatchJson.Serialize(batch));
}
