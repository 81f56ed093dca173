namespace SensorStream.Gateway.Storage;

/// <summary>Where one committed transaction's events go in one segment: <see cref="Bytes"/> bytes from <see cref="Target"/>.</summary>
public readonly record struct SegmentMerge(int Segment, long Target, long Bytes, int Events);

/// <summary>One committed transaction in a commit-log entry.</summary>
public sealed record CommittedTransaction(string TxnId, IReadOnlyList<SegmentMerge> Merges);

/// <summary>
/// One durable commit decision (a group of transactions committed together). It records the target offset of every
/// merge, so replay after a crash writes the same bytes at the same offsets: never a duplicate, never a shift.
/// </summary>
public sealed record CommitEntry(long TimestampMs, IReadOnlyList<CommittedTransaction> Transactions)
{
    public byte[] Encode()
    {
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory))
        {
            writer.Write(TimestampMs);
            writer.Write(Transactions.Count);
            foreach (var txn in Transactions)
            {
                writer.Write(txn.TxnId);
                writer.Write(txn.Merges.Count);
                foreach (var m in txn.Merges)
                {
                    writer.Write(m.Segment);
                    writer.Write(m.Target);
                    writer.Write(m.Bytes);
                    writer.Write(m.Events);
                }
            }
        }
        return memory.ToArray();
    }

    public static CommitEntry Decode(ReadOnlySpan<byte> payload)
    {
        using var reader = new BinaryReader(new MemoryStream(payload.ToArray()));
        var timestamp = reader.ReadInt64();
        var count = reader.ReadInt32();
        var transactions = new List<CommittedTransaction>(count);
        for (var i = 0; i < count; i++)
        {
            var id = reader.ReadString();
            var merges = new SegmentMerge[reader.ReadInt32()];
            for (var j = 0; j < merges.Length; j++)
                merges[j] = new SegmentMerge(reader.ReadInt32(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt32());
            transactions.Add(new CommittedTransaction(id, merges));
        }
        return new CommitEntry(timestamp, transactions);
    }
}
