using System.Text.Json;
using SensorStream.Streams.Events;

namespace SensorStream.EdgeModule.Transactions;

/// <summary>
/// The identity of a queued or streamed event: its sensor (= routing key) and the sequence of its first sample. Each
/// sensor's sequences are unique (the queue hands them out durably), so the pair names exactly one event.
/// </summary>
public readonly record struct BatchIdentity(string SensorId, long FirstSequence)
{
    /// <summary>
    /// Reads only the top-level <c>SensorId</c> and <c>FirstSequence</c> of a <see cref="SampleBatchJson"/> event (they come
    /// first, so the samples are not parsed). False for an event that is not a sample batch (another writer's data).
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> utf8, out BatchIdentity identity)
    {
        identity = default;
        string? sensor = null;
        long? first = null;
        try
        {
            var reader = new Utf8JsonReader(utf8);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName && (sensor is null || first is null))
            {
                var isSensor = reader.ValueTextEquals(SampleBatch.SensorIdField);
                var isFirst = reader.ValueTextEquals(SampleBatch.FirstSequenceField);
                if (!reader.Read()) return false;
                if (isSensor && reader.TokenType == JsonTokenType.String) sensor = reader.GetString();
                else if (isFirst && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var seq)) first = seq;
                else if (!reader.TrySkip()) return false;
            }
        }
        catch (JsonException)
        {
            return false;
        }
        if (sensor is null || first is null) return false;
        identity = new BatchIdentity(sensor, first.Value);
        return true;
    }
}
