using SensorStream.Gateway.Storage;

namespace SensorStream.Gateway.Transactions;

/// <summary>
/// Copies a committed transaction's events into its segments at the target offsets of its commit-log entry,
/// contiguously per segment and in write order. Deterministic (the timestamp comes from the entry), so replay after a
/// crash rewrites identical bytes.
/// </summary>
public static class TransactionMerger
{
    private const int FlushThreshold = 1024 * 1024;

    public static void Merge(Transaction txn, CommittedTransaction committed, long timestampMs, IReadOnlyList<SegmentFile> segments)
    {
        var positions = new Dictionary<int, long>();
        var buffers = new Dictionary<int, MemoryStream>();
        foreach (var m in committed.Merges)
        {
            positions[m.Segment] = m.Target;
            buffers[m.Segment] = new MemoryStream();
        }
        var scratch = new byte[64 * 1024];
        foreach (var e in txn.Events)
        {
            if (!buffers.TryGetValue(e.Segment, out var buffer))
                throw new InvalidDataException($"transaction {txn.Id} has an event for segment {e.Segment} that its commit entry does not list");
            var size = SegmentRecord.FrameSizeOf(e.EventLength);
            if (scratch.Length < size) scratch = new byte[size];
            txn.File.ReadEvent(e, scratch.AsSpan(SegmentRecord.Overhead, e.EventLength));
            // The event already sits where the frame wants it: encoding around it copies it onto itself (a no-op).
            SegmentRecord.Encode(scratch, timestampMs, scratch.AsSpan(SegmentRecord.Overhead, e.EventLength));
            buffer.Write(scratch, 0, size);
            if (buffer.Length >= FlushThreshold) Flush(segments[e.Segment], positions, e.Segment, buffer);
        }
        foreach (var m in committed.Merges)
        {
            Flush(segments[m.Segment], positions, m.Segment, buffers[m.Segment]);
            if (positions[m.Segment] != m.Target + m.Bytes)
                throw new InvalidDataException(
                    $"transaction {txn.Id}: merged {positions[m.Segment] - m.Target} bytes into segment {m.Segment}, its commit entry says {m.Bytes}");
        }
    }

    private static void Flush(SegmentFile segment, Dictionary<int, long> positions, int id, MemoryStream buffer)
    {
        if (buffer.Length == 0) return;
        segment.Write(positions[id], buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        positions[id] += buffer.Length;
        buffer.SetLength(0);
    }
}
