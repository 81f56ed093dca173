using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using SensorStream.Streams.Events;

namespace SensorStream.EdgeModule.Queue;

/// <summary>
/// Gives a queued event new sequence numbers: the top-level <c>FirstSequence</c> number of its JSON form
/// (<see cref="SampleBatchJson"/>'s wire format, also written by the CSV importer) is replaced in place, byte for byte
/// everything else kept (no value is parsed and formatted again). Used only when the start-up check finds a rolled-back
/// queue database (<see cref="EventQueue.ContinueAfterStreamTail"/>): events this run numbered before the check move up
/// by the stream's excess.
/// </summary>
internal static class EventRenumbering
{
    private static readonly byte[] FieldName = Encoding.UTF8.GetBytes(SampleBatch.FirstSequenceField);

    /// <summary>
    /// <paramref name="e"/> with its first sequence moved up by <paramref name="shift"/> samples, in its fields and its JSON.
    /// Throws <see cref="FormatException"/> when the JSON has no top-level <c>FirstSequence</c> equal to the event's.
    /// </summary>
    public static EncodedEvent Shifted(EncodedEvent e, long shift) =>
        new(e.SensorId, e.FirstSequence + shift, e.Count, WithFirstSequence(e.Data, e.FirstSequence, e.FirstSequence + shift));

    /// <summary>
    /// <paramref name="json"/> with its top-level <c>FirstSequence</c> (which must be <paramref name="expected"/>) replaced by
    /// <paramref name="first"/>; a new array. Throws <see cref="FormatException"/> naming what does not match.
    /// </summary>
    public static byte[] WithFirstSequence(byte[] json, long expected, long first)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new FormatException("event is not a JSON object");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isField = reader.ValueTextEquals(FieldName);
                reader.Read();
                if (!isField)
                {
                    reader.Skip();
                    continue;
                }
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var found) || found != expected)
                    throw new FormatException($"event's {SampleBatch.FirstSequenceField} is not {expected}");
                var start = (int)reader.TokenStartIndex;
                var end = start + reader.ValueSpan.Length;
                Span<byte> digits = stackalloc byte[20];
                if (!Utf8Formatter.TryFormat(first, digits, out var written)) throw new FormatException($"sequence {first} cannot be written");
                return [.. json.AsSpan(0, start), .. digits[..written], .. json.AsSpan(end)];
            }
        }
        catch (JsonException e)
        {
            throw new FormatException($"event is not valid JSON: {e.Message}", e);
        }
        throw new FormatException($"event has no top-level {SampleBatch.FirstSequenceField}");
    }
}
