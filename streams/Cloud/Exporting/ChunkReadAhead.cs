using System.Runtime.CompilerServices;
using SensorStream.Streams.BlobStreams;

namespace SensorStream.Streams.Exporting;

/// <summary>
/// Chunks of a blob stream, downloaded and parsed (<see cref="ParsedChunk.Parse"/>) up to <c>depth</c> ahead on the
/// thread pool and handed out in order — so the export's download and parse overlap each other and the caller.
/// Ends at the first chunk that does not exist or after <c>to</c>. A read-ahead the caller does not consume is
/// cancelled when it stops enumerating (reading is all it does: nothing is committed here).
/// </summary>
public static class ChunkReadAhead
{
    /// <summary>
    /// Chunks in flight by default: the next ones downloading and parsing while the caller takes this one — enough to
    /// hide a request's latency behind the others with small chunks; each holds its body (a pooled buffer, at most
    /// the mirror's chunk size, 4 MiB by default) only until it is parsed.
    /// </summary>
    public const int DefaultDepth = 4;

    /// <summary>
    /// Chunks <paramref name="from"/>..<paramref name="to"/> (inclusive; null: until one is missing), parsed with events
    /// above <paramref name="maxEventBytes"/> dead-lettered (<see cref="ParsedChunk.Parse"/>).
    /// </summary>
    public static async IAsyncEnumerable<ParsedChunk> ReadAsync(BlobStream blob, long from, long? to, int maxEventBytes, int depth,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var pending = new Queue<Task<ParsedChunk?>>();
        var next = from;
        void Fill()
        {
            while (pending.Count < depth && (to is null || next <= to))
            {
                var seq = next++;
                pending.Enqueue(Task.Run(async () =>
                    await blob.ReadChunkAsync(seq, chunk => ParsedChunk.Parse(chunk, maxEventBytes), stop.Token).ConfigureAwait(false), stop.Token));
            }
        }
        try
        {
            Fill();
            while (pending.TryDequeue(out var head))
            {
                var parsed = await head.ConfigureAwait(false);
                if (parsed is null) yield break;
                Fill();
                yield return parsed;
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            foreach (var task in pending)
            {
                try
                {
                    await task.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Read ahead and not wanted: its outcome does not matter (a cancelled download, a chunk not yet there).
                }
            }
        }
    }
}
