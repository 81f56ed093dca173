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

    public static void Merge(Transaction txn, CommittedTransaction committed, long timestampMs, Journal journal, IReadOnlyList<SegmentFile> segments)
    {
        var outputs = new Dictionary<int, SegmentOutput>();
        foreach (var m in committed.Merges) outputs[m.Segment] = new SegmentOutput(segments[m.Segment], m.Target);
        var read = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            var events = txn.Events;
            for (var i = 0; i < events.Count;)
            {
                // Events of one write lie back to back in the journal: read each such run with one pread.
                var first = events[i];
                var runEnd = first.Position + first.EventLength;
                var j = i + 1;
                while (j < events.Count && events[j].Position == runEnd + JournalFrame.DataOverhead &&
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
                    if (!outputs.TryGetValue(e.Segment, out var output))
                        throw new InvalidDataException($"transaction {txn.Id} has an event for segment {e.Segment} that its commit entry does not list");
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
