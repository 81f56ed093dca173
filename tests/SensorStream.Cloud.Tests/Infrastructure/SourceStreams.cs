using SensorStream.Streams.BlobStreams;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;

namespace SensorStream.Cloud.Tests.Infrastructure;

/// <summary>Writes events into a real gateway stream and reads streams back for comparison.</summary>
public static class SourceStreams
{
    public static async Task<StreamName> CreateAsync(GatewayClient client, AzuriteFixture names, string hint, IEnumerable<byte[]> events)
    {
        var stream = names.NewStream(hint);
        await client.EnsureStreamAsync(stream);
        await AppendAsync(client, stream, events);
        return stream;
    }

    /// <summary>One routing key: the stream keeps the order written.</summary>
    public static async Task AppendAsync(GatewayClient client, StreamName stream, IEnumerable<byte[]> events)
    {
        var list = events.Select(e => new OutgoingEvent("k", e)).ToList();
        if (list.Count > 0) await client.WriteEventsAsync(stream, list);
    }

    /// <summary>Every event of the blob copy, in order.</summary>
    public static async Task<List<byte[]>> ReadBlobAsync(BlobStreamStore store, StreamName stream)
    {
        var events = new List<byte[]>();
        await foreach (var chunk in (await store.OpenAsync(stream)).ReadFromAsync(0)) events.AddRange(chunk.Events.Select(e => e.ToArray()));
        return events;
    }

    /// <summary>Every committed event of a gateway stream, in order.</summary>
    public static async Task<List<byte[]>> ReadGatewayAsync(GatewayClient client, StreamName stream)
    {
        var events = new List<byte[]>();
        await foreach (var e in client.ReadRangeAsync(stream)) events.Add(e.Data.ToArray());
        return events;
    }

    /// <summary>Equal sequences of events, byte for byte (reports the first difference, not two huge lists).</summary>
    public static void AssertSame(IReadOnlyList<byte[]> expected, IReadOnlyList<byte[]> actual)
    {
        for (var i = 0; i < Math.Min(expected.Count, actual.Count); i++)
            Assert.True(expected[i].AsSpan().SequenceEqual(actual[i]), $"event {i} differs");
        Assert.Equal(expected.Count, actual.Count);
    }

    public static List<byte[]> Numbered(int count, int size = 40, int from = 0) =>
        Enumerable.Range(from, count).Select(i => System.Text.Encoding.ASCII.GetBytes($"event-{i:D8}-".PadRight(size, 'x'))).ToList();
}
