using SensorStream.Streams.BlobStreams;

namespace SensorStream.Cloud.Tests;

public sealed class ChunkCodecTests
{
    [Fact]
    public void Round_trips_events_byte_for_byte_including_empty_ones()
    {
        var events = new ReadOnlyMemory<byte>[] { new byte[] { 0, 1, 2 }, Array.Empty<byte>(), new byte[70_000] };
        var body = ChunkCodec.Encode(events);
        Assert.Equal(4 + 3 * 4 + 3 + 70_000, body.Length);
        var back = ChunkCodec.Decode(body, "test");
        Assert.Equal(3, back.Count);
        for (var i = 0; i < 3; i++) Assert.Equal(events[i].ToArray(), back[i].ToArray());
    }

    [Fact]
    public void Refuses_a_truncated_body_naming_the_blob()
    {
        var body = ChunkCodec.Encode([new byte[] { 1, 2, 3, 4, 5 }]);
        var e = Assert.Throws<InvalidDataException>(() => ChunkCodec.Decode(body.AsMemory(0, body.Length - 1), "s/x/000000000007.chunk"));
        Assert.Contains("000000000007.chunk", e.Message);
        Assert.Throws<InvalidDataException>(() => ChunkCodec.Decode("nope"u8.ToArray(), "n"));
    }

    [Theory]
    [InlineData("s/x/000000000042.chunk", true, 42)]
    [InlineData("000000000000.chunk", true, 0)]
    [InlineData("s/x/last-chunk.hint", false, -1)]
    [InlineData("s/x/42.chunk", false, -1)]
    public void Parses_chunk_numbers_from_names(string name, bool ok, long seq)
    {
        Assert.Equal(ok, BlobStreamLayout.TryParseChunk(name, out var parsed));
        Assert.Equal(seq, parsed);
    }
}
