using System.Buffers;
using SensorStream.Gateway.Storage;

namespace SensorStream.Gateway.Transactions;

/// <summary>
/// Copies a committed transaction's events from the journal into its segments at the target offsets of its commit
/// entry, contiguously per segment and in write order. Deterministic (the timestamp comes from the entry), so replay
/// after a crash rewrites identical bytes.
/// </summary>
public static class TransactionMerger
{
    private const int FlushThreshold = 1024 * 1024;
    private const int MaxRead = 4 * 1024 * 1024;

    /// <summary>
    /// The merges of <paramref name="txn"/> committing in <paramref name="epoch"/>: per segment (ascending) the bytes and
    /// events it adds, from <paramref name="ends"/> (advanced past them). Each event goes to its key's segment in that epoch.
    /// </summary>
    public static List<SegmentMerge> Plan(Transaction txn, StreamEpochs epochs, int epoch, long[] ends)
    {
        var placed = epochs.Place(txn.Events, epoch);
        var perSegment = new SortedDictionary<int, (long Bytes, int Events)>();
        for (var i = 0; i < placed.Length; i++)
        {
            perSegment.TryGetValue(placed[i], out var sum);
            perSegment[placed[i]] = (sum.Bytes + SegmentRecord.FrameSizeOf(txn.Events[i].EventLength), sum.Events + 1);
        }
        var merges = new List<SegmentMerge>(perSegment.Count);
        foreach (var (s, (bytes, events)) in perSegment)
        {
            merges.Add(new SegmentMerge(s, ends[s], bytes, events));
            ends[s] += bytes;
        }
        return merges;
    }

    /// <summary>
    /// The epoch a durable commit decision committed in: the epoch of the segments it merges into (every scale replaces
    /// all segments, so they are all of one epoch); null for a transaction without events.
    /// </summary>
    public static int? EpochOf(CommittedTransaction committed, StreamEpochs epochs) =>
        committed.Merges.Count == 0 ? null : epochs.EpochOf(committed.Merges[0].Segment);

    public static void Merge(Transaction txn, CommittedTransaction committed, long timestampMs, Journal journal, IReadOnlyList<SegmentFile> segments, StreamEpochs epochs)
    {
        var placed = EpochOf(committed, epochs) is { } epoch ? epochs.Place(txn.Events, epoch) : [];
        if (placed.Length != txn.Events.Count)
            throw new InvalidDataException($"transaction {txn.Id} has {txn.Events.Count} event(s) that its commit entry does not place");
        var outputs = new Dictionary<int, SegmentOutput>();
        foreach (var m in committed.Merges) outputs[m.Segment] = new SegmentOutput(segments[m.Segment], m.Target);
        var read = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            var events = txn.Events;
            for (var i = 0; i < events.Count;)
            {
                // Events of one write lie back to back in the journal (only entry or frame headers between them): read each
                // such run with one pread.
                var first = events[i];
                var runEnd = first.Position + first.EventLength;
                var j = i + 1;
                while (j < events.Count && events[j].Position >= runEnd && events[j].Position - runEnd <= JournalFrame.MaxEventGap &&
                       events[j].Position + events[j].EventLength - first.Position <= MaxRead)
                    runEnd = events[j].Position + events[j++].EventLength;
                var length = (int)(runEnd - first.Position);
                if (read.Length < length)
                {
                    ArrayPool<byte>.Shared.Return(read);
                    read = ArrayPool<byte>.Shared.Rent(length);
                }
                journal.Read(first.Position, read.AsSpan(0, length));
                for (; i < j; i++)
                {
                    var e = events[i];
                    if (!outputs.TryGetValue(placed[i], out var output))
                        throw new InvalidDataException($"transaction {txn.Id} has an event for segment {placed[i]} that its commit entry does not list");
                    output.Add(timestampMs, read.AsSpan((int)(e.Position - first.Position), e.EventLength));
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(read);
        }
        foreach (var m in committed.Merges)
        {
            var output = outputs[m.Segment];
            output.Flush();
            output.Dispose();
            if (output.Position != m.Target + m.Bytes)
                throw new InvalidDataException(
                    $"transaction {txn.Id}: merged {output.Position - m.Target} bytes into segment {m.Segment}, its commit entry says {m.Bytes}");
        }
    }

    /// <summary>Segment records of one merge, buffered into writes of about <see cref="FlushThreshold"/> bytes.</summary>
    private sealed class SegmentOutput(SegmentFile segment, long target) : IDisposable
    {
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(FlushThreshold);
        private int _used;

        public long Position { get; private set; } = target;

        public void Add(long timestampMs, ReadOnlySpan<byte> evt)
        {
            var size = SegmentRecord.FrameSizeOf(evt.Length);
            if (_used + size > _buffer.Length)
            {
                Flush();
                if (size > _buffer.Length)
                {
                    ArrayPool<byte>.Shared.Return(_buffer);
                    _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(size, FlushThreshold));
                }
            }
            _used += SegmentRecord.Encode(_buffer.AsSpan(_used), timestampMs, evt);
            if (_used >= FlushThreshold) Flush();
        }

        public void Flush()
        {
            if (_used == 0) return;
            segment.Write(Position, _buffer.AsSpan(0, _used));
            Position += _used;
            _used = 0;
        }

        public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);
    }
}
