using SensorStream.Streams.BlobStreams;
using SensorStream.Streams.Naming;
using SensorStream.Streams.Protocol;

namespace SensorStream.Cloud.Tests.Infrastructure;

/// <summary>Fills a blob stream directly (what the mirror would have written), for export tests that need no gateway.</summary>
public static class ChunkWriter
{
    public static async Task WriteAsync(BlobStreamStore store, StreamName stream, IEnumerable<IReadOnlyList<byte[]>> chunks)
    {
        var blob = await store.OpenAsync(stream);
        var last = await blob.FindLastAsync();
        foreach (var events in chunks)
        {
            var n = (last?.Seq ?? -1) + 1;
            last = await blob.AppendAsync(last, events.Select(e => (ReadOnlyMemory<byte>)e).ToList(), new StreamCut { Text = $"test-cut-{n}" });
        }
        await blob.AdvanceHintAsync(last!.Seq);
    }

    /// <summary>Splits events into chunks of <paramref name="perChunk"/>.</summary>
    public static IEnumerable<IReadOnlyList<byte[]>> Split(IReadOnlyList<byte[]> events, int perChunk) => events.Chunk(perChunk);
}
