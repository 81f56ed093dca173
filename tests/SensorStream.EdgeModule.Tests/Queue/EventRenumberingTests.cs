using System.Text;
using SensorStream.EdgeModule.Queue;
using SensorStream.Streams.Events;

namespace SensorStream.EdgeModule.Tests.Queue;

/// <summary><see cref="EventRenumbering"/>: only the top-level FirstSequence changes, byte for byte everything else kept.</summary>
public sealed class EventRenumberingTests
{
    [Fact]
    public void A_serialized_batch_gets_the_new_first_sequence_and_keeps_every_other_byte()
    {
        var batch = EventQueueTests.Batch("a", 98, 3);
        var moved = EventRenumbering.Shifted(EncodedEvent.Of(batch), 1_000);
        Assert.Equal(1_098, moved.FirstSequence);
        Assert.Equal(3, moved.Count);
        Assert.Equal(Encoding.UTF8.GetString(SampleBatchJson.Serialize(batch)).Replace("\"FirstSequence\":98,", "\"FirstSequence\":1098,"),
            Encoding.UTF8.GetString(moved.Data));
        Assert.Equal(1_098, SampleBatchJson.Deserialize(moved.Data).FirstSequence);
    }

    [Fact]
    public void Only_the_top_level_field_is_replaced_and_a_mismatch_is_refused()
    {
        // The CSV importer's form; a string value and a column equal to the field's name are not the field.
        var json = Encoding.UTF8.GetBytes("{\"SensorId\":\"FirstSequence\",\"FirstSequence\":7,\"TimestampNanos\":[1,2],\"v\":[7.0,7.5]}");
        Assert.Equal("{\"SensorId\":\"FirstSequence\",\"FirstSequence\":12,\"TimestampNanos\":[1,2],\"v\":[7.0,7.5]}",
            Encoding.UTF8.GetString(EventRenumbering.WithFirstSequence(json, 7, 12)));
        Assert.Contains("is not 8", Assert.Throws<FormatException>(() => EventRenumbering.WithFirstSequence(json, 8, 12)).Message);
        Assert.Contains("no top-level FirstSequence",
            Assert.Throws<FormatException>(() => EventRenumbering.WithFirstSequence("{\"x\":{\"FirstSequence\":7}}"u8.ToArray(), 7, 12)).Message);
    }
}
