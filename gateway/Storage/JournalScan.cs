using SensorStream.Gateway.Transactions;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// What recovery learns from reading the journal: each live transaction's events, and every commit decision. Events
/// staged by a write request join their transaction only at its adopt frame; staged events never adopted (the request
/// failed, was cancelled or the gateway stopped first) are left in <see cref="Staged"/> and belong to nothing.
/// </summary>
internal sealed class JournalScan
{
    public Dictionary<Guid, (List<TransactionEventRef> Events, long FirstFrame)> Data { get; } = [];
    public Dictionary<Guid, (List<TransactionEventRef> Events, long FirstFrame)> Staged { get; } = [];
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
            case JournalFrameKind.StagedData:
                var stage = JournalFrame.TxnOf(payload);
                if (!Staged.TryGetValue(stage, out var staged)) Staged[stage] = staged = ([], position);
                staged.Events.Add(JournalFrame.EventOf(payload, position + frameSize - payload.Length));
                break;
            case JournalFrameKind.KeyedBatch or JournalFrameKind.StagedBatch:
                var id = JournalFrame.TxnOf(payload);
                var into = JournalFrame.KindOf(payload) == JournalFrameKind.KeyedBatch ? Data : Staged;
                if (!into.TryGetValue(id, out var events)) into[id] = events = ([], position);
                JournalFrame.EventsOfBatch(payload, position + frameSize - payload.Length, events.Events);
                break;
            case JournalFrameKind.Adopt:
                if (!Staged.Remove(JournalFrame.StageOf(payload), out var adopted)) break; // a request without events beyond its last part
                var owner = JournalFrame.TxnOf(payload);
                if (Data.TryGetValue(owner, out var existing))
                {
                    existing.Events.AddRange(adopted.Events);
                    Data[owner] = (existing.Events, Math.Min(existing.FirstFrame, adopted.FirstFrame));
                }
                else Data[owner] = adopted;
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
