using System.Text;
using SensorStream.EdgeModule.Queue;
using SensorStream.EdgeModule.Transactions;
using SensorStream.Streams.Events;
using SensorStream.Streams.Protocol;

namespace SensorStream.EdgeModule.Tests.Transactions;

/// <summary>The public-protocol coordinator's two small formats: the recorded cut in a pending row, and an event's identity.</summary>
public sealed class PublicProtocolRecordTests
{
    [Fact]
    public void A_recorded_cut_round_trips_through_the_pending_row_and_is_told_apart_from_a_transaction_id()
    {
        var tail = new StreamCut { Text = "scope/stream:0=1234,1=99", Description = "d" };
        tail.Cut.Add(0, 1234);
        tail.Cut.Add(1, 99);
        var recorded = new RecordedCut(tail, DateTimeOffset.FromUnixTimeMilliseconds(1_764_470_000_123));
        var row = new PendingTransaction(recorded.Encode(), 7, 12);

        Assert.True(RecordedCut.IsRecordedCut(row));
        Assert.False(RecordedCut.IsRecordedCut(new PendingTransaction("0123456789abcdef0123456789abcdef", 7, 12)));
        var back = RecordedCut.Decode(row);
        Assert.Equal(tail, back.Tail);
        Assert.Equal(recorded.RecordedAt, back.RecordedAt);
    }

    [Theory]
    [InlineData("cut:")]
    [InlineData("cut:soon:AAAA")]
    [InlineData("cut:1:not base64!")]
    [InlineData("cut:1:/w==")]
    public void A_damaged_recorded_cut_is_refused_naming_the_range(string value)
    {
        var e = Assert.Throws<FormatException>(() => RecordedCut.Decode(new PendingTransaction(value, 3, 4)));
        Assert.StartsWith("pending events 3..4: ", e.Message);
    }

    [Fact]
    public void The_identity_of_a_sample_batch_is_read_without_its_samples()
    {
        var batch = new SampleBatch("nic-eth0", 4200, [1, 2, 3]).WithScalar("Interface", "eth0");
        Assert.True(BatchIdentity.TryRead(SampleBatchJson.Serialize(batch), out var id));
        Assert.Equal(new BatchIdentity("nic-eth0", 4200), id);
        // Field order does not matter, unknown fields are skipped.
        Assert.True(BatchIdentity.TryRead("{\"x\":{\"y\":[1,2]},\"FirstSequence\":5,\"SensorId\":\"a\"}"u8, out id));
        Assert.Equal(new BatchIdentity("a", 5), id);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"SensorId\":\"a\"}")]
    [InlineData("{\"SensorId\":1,\"FirstSequence\":2}")]
    [InlineData("{\"SensorId\":\"a\",\"FirstSequence\":2.5}")]
    [InlineData("{\"SensorId\":\"a\",\"FirstSequence\":")]
    public void Another_writers_event_has_no_identity(string text)
    {
        Assert.False(BatchIdentity.TryRead(Encoding.UTF8.GetBytes(text), out _));
    }
}
