using SensorStream.Streams.BlobStreams;
using SensorStream.Streams.Client;
using SensorStream.Streams.Protocol;

namespace SensorStream.Cloud.Tests;

/// <summary>Cut comparison and lag in the cloud jobs: by decoded position, across the two cut texts and across epochs.</summary>
public sealed class StreamCutCodecTests
{
    private static StreamCut Pravega(params SegmentPosition[] positions)
    {
        var cut = new PravegaStreamCut("sc", "s", positions);
        var wire = new StreamCut { Text = cut.ToText() };
        foreach (var p in positions) wire.Cut[p.SegmentId] = p.Offset;
        return wire;
    }

    private static StreamCut V1(string offsets) => new()
    {
        Text = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"v1|sc/s|{offsets}")).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
    };

    [Fact]
    public void An_older_v1_checkpoint_equals_the_same_position_in_pravega_text_and_only_that()
    {
        var tail = Pravega(new SegmentPosition(0, 0, 120), new SegmentPosition(1, 0, 40));
        Assert.True(StreamCutCodec.SamePosition(V1("120,40"), tail));
        Assert.True(StreamCutCodec.SamePosition(tail, Pravega(new SegmentPosition(1, 0, 40), new SegmentPosition(0, 0, 120))));
        Assert.False(StreamCutCodec.SamePosition(V1("120,41"), tail));
        Assert.False(StreamCutCodec.SamePosition(V1("120,40"), Pravega(new SegmentPosition(0, 1, 120), new SegmentPosition(1, 0, 40))));
        Assert.False(StreamCutCodec.SamePosition(new StreamCut { Text = "not a cut" }, tail));
    }

    [Fact]
    public void Lag_is_known_between_cuts_of_the_same_segments_only()
    {
        var done = Pravega(new SegmentPosition(0, 0, 100), new SegmentPosition(1, 0, 40));
        Assert.Equal(30, StreamCutCodec.LagBytes(Pravega(new SegmentPosition(0, 0, 120), new SegmentPosition(1, 0, 50)), done));
        Assert.Equal(170, StreamCutCodec.LagBytes(Pravega(new SegmentPosition(0, 0, 120), new SegmentPosition(1, 0, 50)), null));
        // After a scale the tail names the new epoch's segments: the offsets do not subtract.
        Assert.Null(StreamCutCodec.LagBytes(Pravega(new SegmentPosition(2, 1, 10)), done));
    }
}
