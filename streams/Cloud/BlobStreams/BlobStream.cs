using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using SensorStream.Streams.Naming;
using SensorStream.Streams.Protocol;

namespace SensorStream.Streams.BlobStreams;

/// <summary>
/// The cloud copy of one stream: numbered, immutable chunk blobs. A chunk is created with If-None-Match <c>*</c>, so
/// chunk N+1 exists at most once whoever races to write it; its metadata carries the source cut it ends at, so the
/// data and the mirror's checkpoint are committed by that one write.
/// </summary>
public sealed class BlobStream
{
    private readonly BlobContainerClient _container;

    internal BlobStream(BlobContainerClient container, StreamName name)
    {
        _container = container;
        Name = name;
        Watermark = new CheckpointBlob<CloudWatermark>(new ContainerGate(container), BlobStreamLayout.WatermarkName(name));
    }

    public StreamName Name { get; }

    /// <summary>The watermark the mirror carried from the source stream (read it with an initial <c>new CloudWatermark()</c> = none).</summary>
    public CheckpointBlob<CloudWatermark> Watermark { get; }

    /// <summary>
    /// Moves the carried watermark forward to <paramref name="next"/> (never back: an equal or older one is left as it
    /// is). Losing a race is harmless: the other writer moved it forward itself.
    /// </summary>
    public async Task AdvanceWatermarkAsync(CloudWatermark next, CancellationToken ct = default)
    {
        var read = await Watermark.ReadAsync(new CloudWatermark(), ct).ConfigureAwait(false);
        if (read.Value.LowerTimeBound >= next.LowerTimeBound) return;
        await Watermark.TryReplaceAsync(read, next, ct).ConfigureAwait(false);
    }

    /// <summary>Metadata of chunk <paramref name="seq"/>, or null when it does not exist (yet).</summary>
    public async Task<ChunkInfo?> GetChunkInfoAsync(long seq, CancellationToken ct = default)
    {
        try
        {
            var props = (await _container.GetBlobClient(BlobStreamLayout.ChunkName(Name, seq)).GetPropertiesAsync(cancellationToken: ct).ConfigureAwait(false)).Value;
            return ChunkInfo.FromMetadata(seq, props.Metadata, props.ContentLength, props.LastModified);
        }
        catch (RequestFailedException e) when (BlobConditions.NotFound(e))
        {
            return null;
        }
    }

    /// <summary>Chunk <paramref name="seq"/> with its events, or null when it does not exist (yet).</summary>
    public async Task<Chunk?> ReadChunkAsync(long seq, CancellationToken ct = default) =>
        await ReadChunkAsync(seq, length => GC.AllocateUninitializedArray<byte>(length), chunk => chunk, null, ct).ConfigureAwait(false);

    /// <summary>
    /// Chunk <paramref name="seq"/> handed to <paramref name="use"/> while its body sits in a buffer rented from the
    /// shared pool (sized from the response, read straight from the response stream: no growing copy), returned to
    /// the pool as soon as <paramref name="use"/> returns — so <paramref name="use"/> must not keep the events. Null
    /// when the chunk does not exist (yet).
    /// </summary>
    public Task<T?> ReadChunkAsync<T>(long seq, Func<Chunk, T> use, CancellationToken ct = default) where T : class =>
        ReadChunkAsync(seq, ArrayPool<byte>.Shared.Rent, use, ArrayPool<byte>.Shared.Return, ct);

    private async Task<T?> ReadChunkAsync<T>(long seq, Func<int, byte[]> rent, Func<Chunk, T> use, Action<byte[], bool>? giveBack, CancellationToken ct)
        where T : class
    {
        var name = BlobStreamLayout.ChunkName(Name, seq);
        BlobDownloadStreamingResult result;
        try
        {
            result = (await _container.GetBlobClient(name).DownloadStreamingAsync(cancellationToken: ct).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (BlobConditions.NotFound(e))
        {
            return null;
        }
        using (result)
        {
            var length = checked((int)result.Details.ContentLength);
            var body = rent(length);
            try
            {
                await result.Content.ReadExactlyAsync(body.AsMemory(0, length), ct).ConfigureAwait(false);
                var info = ChunkInfo.FromMetadata(seq, result.Details.Metadata, result.Details.ContentLength, result.Details.LastModified);
                var events = ChunkCodec.Decode(body.AsMemory(0, length), name);
                if (events.Count != info.EventCount)
                    throw new InvalidDataException($"{name} holds {events.Count} events but its metadata says {info.EventCount}");
                return use(new Chunk(info, events));
            }
            finally
            {
                giveBack?.Invoke(body, false);
            }
        }
    }

    /// <summary>Reads chunks in order from <paramref name="fromSeq"/> until the first one that does not exist.</summary>
    public async IAsyncEnumerable<Chunk> ReadFromAsync(long fromSeq, [EnumeratorCancellation] CancellationToken ct = default)
    {
        for (var seq = fromSeq; ; seq++)
        {
            var chunk = await ReadChunkAsync(seq, ct).ConfigureAwait(false);
            if (chunk is null) yield break;
            yield return chunk;
        }
    }

    /// <summary>
    /// The last chunk, or null for an empty stream. Starts at the hint (which may lag: it is written after the chunk)
    /// and probes forward until a chunk is missing, so the answer never depends on the hint being current.
    /// </summary>
    public async Task<ChunkInfo?> FindLastAsync(CancellationToken ct = default)
    {
        var (hint, _) = await ReadHintAsync(ct).ConfigureAwait(false);
        var last = hint is { } h ? await GetChunkInfoAsync(h, ct).ConfigureAwait(false) : null;
        if (last is null)
        {
            var listed = await ListLastSeqAsync(ct).ConfigureAwait(false);
            if (listed is not { } seq) return null;
            last = await GetChunkInfoAsync(seq, ct).ConfigureAwait(false) ?? throw new InvalidDataException($"chunk {seq} was listed but is gone");
        }
        while (await GetChunkInfoAsync(last.Seq + 1, ct).ConfigureAwait(false) is { } next) last = next;
        return last;
    }

    /// <summary>
    /// Commits the chunk after <paramref name="previous"/> (null: the first chunk) holding <paramref name="events"/>,
    /// ending at <paramref name="endCut"/>. Throws <see cref="ChunkConflictException"/> when another writer created
    /// that chunk first; the caller's events are then not part of the stream.
    /// </summary>
    public Task<ChunkInfo> AppendAsync(ChunkInfo? previous, IReadOnlyList<ReadOnlyMemory<byte>> events, StreamCut endCut, CancellationToken ct = default) =>
        AppendAsync(previous, events, endCut, default, ct);

    /// <summary>
    /// <see cref="AppendAsync(ChunkInfo?, IReadOnlyList{ReadOnlyMemory{byte}}, StreamCut, CancellationToken)"/> with the
    /// SDK's transfer options: a body above <see cref="StorageTransferOptions.InitialTransferSize"/> goes up as blocks
    /// of <see cref="StorageTransferOptions.MaximumTransferSize"/>, <see cref="StorageTransferOptions.MaximumConcurrency"/>
    /// at a time, and the block list is committed create-only (still one atomic commit; a loser's commit fails 409/412).
    /// </summary>
    public async Task<ChunkInfo> AppendAsync(ChunkInfo? previous, IReadOnlyList<ReadOnlyMemory<byte>> events, StreamCut endCut,
        StorageTransferOptions transfer, CancellationToken ct = default)
    {
        if (events.Count == 0) throw new ArgumentException("a chunk holds at least one event", nameof(events));
        var seq = (previous?.Seq ?? -1) + 1;
        var firstEvent = previous?.NextEvent ?? 0;
        var name = BlobStreamLayout.ChunkName(Name, seq);
        var length = ChunkCodec.EncodedLength(events);
        var body = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            ChunkCodec.Encode(events, body);
            var response = await _container.GetBlobClient(name).UploadAsync(new BinaryData(body.AsMemory(0, length)), new BlobUploadOptions
            {
                Conditions = BlobConditions.CreateOnly,
                Metadata = ChunkInfo.Metadata(firstEvent, events.Count, endCut),
                TransferOptions = transfer,
            }, ct).ConfigureAwait(false);
            return new ChunkInfo(seq, firstEvent, events.Count, endCut, length, response.Value.LastModified);
        }
        catch (RequestFailedException e) when (BlobConditions.LostRace(e))
        {
            throw new ChunkConflictException(name, e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }

    /// <summary>Moves the hint forward to <paramref name="seq"/> (never back). Losing a race here is harmless: the hint is only a starting point.</summary>
    public async Task AdvanceHintAsync(long seq, CancellationToken ct = default)
    {
        var (hint, etag) = await ReadHintAsync(ct).ConfigureAwait(false);
        if (hint >= seq) return;
        try
        {
            await _container.GetBlobClient(BlobStreamLayout.HintName(Name)).UploadAsync(
                BinaryData.FromString(seq.ToString(CultureInfo.InvariantCulture)),
                new BlobUploadOptions { Conditions = BlobConditions.Replacing(etag) }, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (BlobConditions.LostRace(e))
        {
            // Someone else moved it (they only move it forward).
        }
    }

    private async Task<(long? Seq, ETag? ETag)> ReadHintAsync(CancellationToken ct)
    {
        try
        {
            var result = (await _container.GetBlobClient(BlobStreamLayout.HintName(Name)).DownloadContentAsync(ct).ConfigureAwait(false)).Value;
            return long.TryParse(result.Content.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
                ? (seq, result.Details.ETag)
                : (null, result.Details.ETag);
        }
        catch (RequestFailedException e) when (BlobConditions.NotFound(e))
        {
            return (null, null);
        }
    }

    /// <summary>The slow path, used only when there is no usable hint: list every chunk name of the stream.</summary>
    private async Task<long?> ListLastSeqAsync(CancellationToken ct)
    {
        long? last = null;
        await foreach (var item in _container.GetBlobsAsync(BlobTraits.None, BlobStates.None, BlobStreamLayout.Prefix(Name), ct).ConfigureAwait(false))
            if (BlobStreamLayout.TryParseChunk(item.Name, out var seq) && seq > (last ?? -1)) last = seq;
        return last;
    }
}
