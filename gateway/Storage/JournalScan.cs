using SensorStream.Gateway.Transactions;

namespace SensorStream.Gateway.Storage;

/// <summary>What recovery learns from reading the journal: each live transaction's events, and every commit decision.</summary>
internal sealed class JournalScan
{
    public Dictionary<Guid, (List<TransactionEventRef> Events, long FirstFrame)> Data { get; } = [];
    public List<(CommitEntry Entry, long End)> Commits { get; } = [];

    public void Visit(long position, int frameSize, ReadOnlySpan<byte> payload)
    {
        switch (JournalFrame.KindOf(payload))
        {
            case JournalFrameKind.Data or JournalFrameKind.KeyedData:
                var txn = JournalFrame.TxnOf(payload);
                if (!Data.TryGetValue(txn, out var data)) Data[txn] = data = ([], position);
                data.Events.Add(JournalFrame.EventOf(payload, position + frameSize - payload.Length));
                break;
            case JournalFrameKind.Commit:
                Commits.Add((JournalFrame.CommitOf(payload), position + frameSize));
                break;
            case JournalFrameKind.Abort:
                Data.Remove(JournalFrame.TxnOf(payload)); // nothing of it is written after its abort
                break;
        }
    }
}
