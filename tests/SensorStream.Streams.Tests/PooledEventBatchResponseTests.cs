using System.Buffers;
using Google.Protobuf;
using SensorStream.Streams.Client;
using SensorStream.Streams.Protocol;

namespace SensorStream.Streams.Tests;

public sealed class PooledEventBatchResponseTests
{
    [Fact]
    public void Parse_keeps_data_sizes_cut_and_unknown_fields_as_the_generated_parser_does()
    {
        var response = new ReadEventBatchesResponse
        {
            Data = ByteString.CopyFrom([1, 2, 3, 4, 5]),
            Sizes = { 2, 3 },
            StreamCut = new StreamCut { Text = "cut", Description = "after" },
        };
        var bytes = response.ToByteArray();
        // A field a newer gateway might add (field 9, varint 7) and a second data field (the last one counts).
        byte[] extra = [9 << 3, 7, 1 << 3 | 2, 2, 42, 43];
        var message = bytes.Concat(extra).ToArray();

        var parsed = PooledEventBatchResponse.Parse(new ReadOnlySequence<byte>(message));
        var expected = ReadEventBatchesResponse.Parser.ParseFrom(message);

        Assert.Equal(expected.Data.ToByteArray(), parsed.Data.AsSpan(0, parsed.Length).ToArray());
        Assert.Equal(new byte[] { 42, 43 }, parsed.Data.AsSpan(0, parsed.Length).ToArray());
        Assert.Equal(expected.Sizes, parsed.Rest.Sizes);
        Assert.Equal(expected.StreamCut, parsed.Rest.StreamCut);
        Assert.Equal(expected.CalculateSize() - expected.Data.Length - 2, parsed.Rest.CalculateSize());
    }

    [Fact]
    public void Parse_refuses_a_data_field_longer_than_the_message()
    {
        byte[] message = [1 << 3 | 2, 10, 1, 2, 3];
        var e = Assert.Throws<InvalidDataException>(() => PooledEventBatchResponse.Parse(new ReadOnlySequence<byte>(message)));
        Assert.Contains("announces 10 bytes, 3 are left", e.Message, StringComparison.Ordinal);
    }
}
