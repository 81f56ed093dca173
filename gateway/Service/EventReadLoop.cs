using System.Buffers;
using System.Runtime.CompilerServices;
using SensorStream.Gateway.Storage;

namespace SensorStream.Gateway.Service;

/// <summary>
/// Reads a stream's committed events between cuts, a batch per segment in turn (order holds per segment, hence per
/// routing key). Across scaling epochs a segment is read only once all its predecessors are read to their (sealed)
/// end, Pravega's rule, so a key's events keep their order when the stream scales. Positions hold one offset per
/// segment number; segments a scale adds while the loop runs join at 0. Each event comes with the positions right after
/// it: a resumable cut. Without an end cut it tails: when every readable segment is caught up it waits for the stream's
/// append signal (no polling; a scale pulses it too).
/// </summary>
public static class EventReadLoop
{
    private const int BatchBytes = 256 * 1024;

    /// <summary>
    /// The events one at a time with the positions right after each; a record's event is valid until the consumer asks
    /// for the next one (it is a slice of the loop's reused read buffer).
    /// </summary>
    public static async IAsyncEnumerable<(SegmentRecord Record, long[] After)> ReadAsync(
        StreamStore stream, long[] from, long[]? to, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var block in ReadBlocksAsync(stream, from, to, ct).ConfigureAwait(false))
            for (var i = 0; i < block.Records.Count; i++)
                yield return (block.Records[i], block.After(i));
    }

    /// <summary>
    /// The records of one segment read, in read order, and the reader's positions before them (<see cref="Positions"/>
    /// is the loop's live array, and the records' events slices of the loop's read buffer: both valid until the consumer
    /// asks for the next block). A block without records says the
    /// loop is caught up and about to wait for appends (tailing reads only).
    /// </summary>
    public readonly record struct Block(int Segment, List<SegmentRecord> Records, long[] Positions)
    {
        /// <summary>A copy of the positions right after record <paramref name="i"/> (a resumable cut).</summary>
        public long[] After(int i) => PositionsAfter(Records[i]);

        /// <summary>A copy of the positions right after <paramref name="record"/>, one of this block's records.</summary>
        public long[] PositionsAfter(SegmentRecord record)
        {
            var after = (long[])Positions.Clone();
            after[Segment] = record.NextOffset;
            return after;
        }
    }

    /// <summary>
    /// As <see cref="ReadAsync"/>, a segment read (up to 256 KiB of records) at a time: no per-event allocation. Every
    /// segment read goes into one buffer the loop rents from <see cref="ArrayPool{T}.Shared"/> (returned when the
    /// enumeration ends), so a block's record events are valid only until the consumer asks for the next block.
    /// Readability across epochs is taken once per pass (<see cref="StreamEpochs.Readable"/>, O(segments)); a segment
    /// a pass reads to its end opens its successors in the next pass.
    /// </summary>
    public static async IAsyncEnumerable<Block> ReadBlocksAsync(
        StreamStore stream, long[] from, long[]? to, [EnumeratorCancellation] CancellationToken ct)
    {
        var positions = (long[])from.Clone();
        var boundary = new bool[positions.Length]; // positions[s] is a record boundary this loop found (not the caller's cut)
        var batch = new List<SegmentRecord>();
        var buffer = ArrayPool<byte>.Shared.Rent(BatchBytes);
        try
        {
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                var appended = stream.Appended.Next; // taken before looking, so a publish in between wakes us
                var shape = stream.Current;
                var tails = shape.Segments.Select(f => f.End).ToArray();
                if (positions.Length < tails.Length)
                {
                    positions = StreamStore.Extend(positions, tails.Length);
                    Array.Resize(ref boundary, tails.Length);
                }
                var limits = to is null ? tails : StreamStore.Extend(to, tails.Length);
                var progressed = false;
                // Taken at the start of the pass: positions only grow, so what is readable now stays readable.
                var readable = shape.Epochs.Readable(positions, tails);
                for (var s = 0; s < positions.Length; s++)
                {
                    if (!readable[s]) continue;
                    if (!ReadSegmentBatch(stream, shape.Segments[s], s, positions, limits[s], buffer, batch, boundary[s])) continue;
                    progressed = boundary[s] = true;
                    yield return new Block(s, batch, positions);
                    positions[s] = batch[^1].NextOffset;
                }
                if (progressed) continue;
                if (to is not null) yield break;
                yield return new Block(-1, [], positions);
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, stream.Closed);
                try
                {
                    await appended.WaitAsync(stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw new StoreException(StoreError.Unavailable, $"stream {stream} was closed (deleted, or the gateway is shutting down)");
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads the next batch of one segment into <paramref name="batch"/>; false when it has nothing before its limit.</summary>
    private static bool ReadSegmentBatch(StreamStore stream, SegmentFile segment, int s, long[] positions, long limit, byte[] buffer,
        List<SegmentRecord> batch, bool boundary)
    {
        batch.Clear();
        var head = stream.Heads()[s];
        if (positions[s] <= head) (positions[s], boundary) = (head, true); // retention or truncation moved past this reader
        if (positions[s] >= limit) return false;
        try
        {
            // A bad record at a known boundary is damage (DATA_LOSS); at a caller's cut it may be a cut from elsewhere.
            segment.ReadRecords(positions[s], limit, buffer, batch, boundary);
        }
        catch (StoreException) when (stream.Heads()[s] > positions[s])
        {
            // The head moved while we read and its space was released under us: continue from the new head.
            batch.Clear();
            positions[s] = stream.Heads()[s];
            return positions[s] < limit && ReadSegmentBatch(stream, segment, s, positions, limit, buffer, batch, boundary: true);
        }
        return batch.Count > 0;
    }
}
