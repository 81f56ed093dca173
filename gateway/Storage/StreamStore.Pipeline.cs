using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SensorStream.Gateway.Transactions;

namespace SensorStream.Gateway.Storage;

// The rounds of one stream: writes, aborts and commits waiting together share one journal fsync (group commit).
public sealed partial class StreamStore
{
    private const int WriteChunkBytes = 4 * 1024 * 1024;

    private readonly ConcurrentDictionary<string, Transaction> _aborting = new(); // abort frame not yet durable: keeps the journal
    private long[] _writtenEnds;                                                    // round-owned: segment ends after the last merge
    private long _committedLogEnd;                                                  // journal position after the last merged commit
    private long _lastCommitMs = long.MinValue;                                     // round-owned: commit time of the last commit
    private Exception? _fault;

    private readonly GroupCommitQueue _rounds;

    private void RunRound(List<PipelineWork> batch)
    {
        try
        {
            if (_fault is not null) throw _fault;
            // A scale goes after the round's commits: they merge into the epoch that was current when they were queued.
            var scales = batch.Where(w => w.Kind == PipelineWorkKind.Scale).ToList();
            if (scales.Count < batch.Count) RunBatch(scales.Count == 0 ? batch : batch.Where(w => w.Kind != PipelineWorkKind.Scale).ToList());
            foreach (var scale in scales) RunScale(scale);
        }
        catch (Exception e)
        {
            // A failed journal write, fsync or merge leaves the stream in a state only recovery can sort out (a commit
            // may be durable): refuse further work; a restart replays the journal.
            _fault ??= e;
            if (StoreHealth.IsDiskFull(e)) _health.ReportDiskFull($"stream {this}: {e.Message}");
            _log.LogError(e, "Stream {Stream} failed; it is reopened (recovered from its journal) by the upkeep loop", this);
            var error = new StoreException(StoreError.Unavailable,
                $"stream {this} failed ({e.Message}); what was acknowledged is durable in its journal, the stream is being recovered: retry (a commit retried answers COMMITTED if it was)");
            foreach (var work in batch) work.Fail(error);
        }
    }

    /// <summary>One round: every queued write, abort and commit goes into the journal, one fsync, then the merges.</summary>
    private void RunBatch(List<PipelineWork> batch)
    {
        var roundStart = _journal.End;
        var now = _options.Clock();
        // Commit times never decrease on a stream, also when the system clock steps back (salvage bounds the commit
        // time of a damaged event by those of its neighbours in the segment: see StoreSalvager.SuspectTimes).
        var commitMs = Math.Max(now, _lastCommitMs);
        try
        {
            foreach (var work in batch)
                if (work.Kind is PipelineWorkKind.Write or PipelineWorkKind.Stage)
                {
                    AppendEvents(work);
                    if (!work.CommitAfter) continue;
                    // Its commit is planned below with these events; a failure before the fsync takes them back.
                    work.EventsBefore = work.Txn.Events.Count;
                    work.Txn.AddEvents(work.Adopted.Concat(work.Written!), work.FirstFrame);
                }
                else if (work.Kind == PipelineWorkKind.Abort) _journal.Append(JournalFrame.EncodeAbort(work.Txn.Key));
        }
        catch (Exception e) when (StoreHealth.IsDiskFull(e))
        {
            FailRoundOnFullDisk(batch, roundStart, e);
            return;
        }

        var commits = batch.Where(w => w.Kind == PipelineWorkKind.Commit || w.CommitAfter).Select(w => w.Txn).ToList();
        var shape = Current; // only the pipeline (RunScale) changes it
        var ends = (long[])_writtenEnds.Clone();
        var committed = new List<CommittedTransaction>(commits.Count);
        long bytes = 0;
        foreach (var txn in commits)
        {
            // Each event goes to its key's segment in the epoch current now, whichever epoch it was written in.
            var merges = TransactionMerger.Plan(txn, shape.Epochs, shape.Epochs.Current, ends);
            bytes += merges.Sum(m => m.Bytes);
            committed.Add(new CommittedTransaction(txn.Id, merges));
        }
        try
        {
            // Space for the merges first: once the commit is durable its merge must not fail for lack of space.
            for (var s = 0; s < ends.Length; s++)
                if (ends[s] > _writtenEnds[s]) shape.Segments[s].Reserve(_writtenEnds[s], ends[s]);
            if (commits.Count > 0) _journal.Append(JournalFrame.EncodeCommit(new CommitEntry(commitMs, committed)));
            // The durability point of every write, abort and commit of this round. A round of staged parts only needs
            // none: they count once adopted, and the adopting round's fsync covers them (journal files roll only after
            // an fsync of the one before).
            if (batch.Exists(w => w.Kind != PipelineWorkKind.Stage)) _journal.Sync();
        }
        catch (Exception e) when (StoreHealth.IsDiskFull(e))
        {
            FailRoundOnFullDisk(batch, roundStart, e);
            return;
        }
        var logEnd = _journal.End;
        _health.ReportWritten();

        foreach (var work in batch)
        {
            if (work.CommitAfter) continue; // answered with its commit
            if (work.Kind == PipelineWorkKind.Write) work.Txn.AddEvents(work.Adopted.Concat(work.Written!), work.FirstFrame);
            else if (work.Kind == PipelineWorkKind.Stage) work.Txn.KeepJournalFrom(work.FirstFrame);
            else if (work.Kind == PipelineWorkKind.Abort) _aborting.TryRemove(work.Txn.Id, out _);
            if (work.Kind != PipelineWorkKind.Commit) work.Done.TrySetResult();
        }
        if (commits.Count == 0) return;
        _lastCommitMs = commitMs;

        for (var i = 0; i < commits.Count; i++) TransactionMerger.Merge(commits[i], committed[i], commitMs, _journal, shape.Segments, shape.Epochs);
        lock (_checkpointStateLock)
        {
            for (var s = 0; s < ends.Length; s++) shape.Segments[s].Publish(ends[s]);
            _writtenEnds = ends;
            _committedLogEnd = logEnd;
            foreach (var txn in commits) _mergedSinceCheckpoint.Add((txn, commitMs));
            _bytesSinceCheckpoint += bytes;
            if (_firstMergeSinceCheckpointMs < 0) _firstMergeSinceCheckpointMs = now;
        }
        Appended.Pulse();
        _autoScaler.Record(now, committed.Sum(c => c.Merges.Sum(m => (long)m.Events)), bytes);
        foreach (var txn in commits)
        {
            txn.Phase = TransactionPhase.Committed;
            _committed.Add(txn.Key);
            _open.TryRemove(txn.Id, out _); // after it joined the merged list: a checkpoint always sees it in one of the two
            txn.Commit!.TrySetResult();
        }
        foreach (var work in batch)
            if (work.CommitAfter) work.Done.TrySetResult();
        if (CheckpointDue(now)) _ = Task.Run(() => CheckpointAsync(force: false));
    }

    /// <summary>
    /// The disk is full before this round's fsync: nothing of it was acknowledged, so the journal is cut back to where the
    /// round started and every request fails with RESOURCE_EXHAUSTED (commits go back to open: a retry can commit them).
    /// The stream stays usable; writes succeed again once space is back.
    /// </summary>
    private void FailRoundOnFullDisk(List<PipelineWork> batch, long roundStart, Exception e)
    {
        _journal.Rollback(roundStart); // if even this fails, RunRound marks the stream failed
        _health.ReportDiskFull($"stream {this}: {e.Message}");
        _log.LogError("Disk full on {Stream}: a round of {Count} request(s) was not written ({Error})", this, batch.Count, e.Message);
        var error = new StoreException(StoreError.ResourceExhausted,
            $"the gateway's disk is full ({e.Message}): nothing of this request was written; retry once space is freed");
        foreach (var work in batch)
        {
            if (work.CommitAfter && work.EventsBefore >= 0)
                work.Txn.Events.RemoveRange(work.EventsBefore, work.Txn.Events.Count - work.EventsBefore);
            if (work.Kind == PipelineWorkKind.Commit || work.CommitAfter)
            {
                work.Txn.Phase = TransactionPhase.Open;
                var commit = work.Txn.Commit;
                work.Txn.Commit = null;
                commit?.TrySetException(error);
            }
            else if (work.Kind == PipelineWorkKind.Abort) _aborting.TryRemove(work.Txn.Id, out _);
            work.Fail(error);
        }
    }

    /// <summary>
    /// Frames a write's events into the journal (in chunks, so a large request needs no buffer of its size): under the
    /// transaction, or under the stage id for a staged part. A write that adopts a stage writes its adopt frame first, so
    /// that recovery orders the staged events before the write's own, as the live transaction does.
    /// </summary>
    private void AppendEvents(PipelineWork work)
    {
        var refs = new List<TransactionEventRef>(work.Events.Count);
        var buffer = ArrayPool<byte>.Shared.Rent(WriteChunkBytes);
        var staged = work.Kind == PipelineWorkKind.Stage;
        try
        {
            var first = -1L;
            if (!staged && work.StageId is { } adopt)
            {
                var at = _journal.Append(JournalFrame.EncodeAdopt(work.Txn.Key, adopt));
                first = work.AdoptedFrom >= 0 ? work.AdoptedFrom : at;
            }
            for (var i = 0; i < work.Events.Count;)
            {
                // One batch frame per chunk: one header and one CRC for all its events.
                var used = JournalFrame.BatchOverhead;
                var chunkStart = refs.Count;
                do
                {
                    var (keyHash, evt) = work.Events[i];
                    var size = JournalFrame.BatchEntrySize(evt.Length);
                    if (refs.Count > chunkStart && used + size > buffer.Length) break;
                    if (used + size > buffer.Length)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = ArrayPool<byte>.Shared.Rent(used + size);
                    }
                    JournalFrame.WriteBatchEntry(buffer.AsSpan(used), keyHash, evt.Span);
                    refs.Add(new TransactionEventRef(used + JournalFrame.BatchEntryHeaderSize, evt.Length, keyHash)); // relative until placed
                    used += size;
                    i++;
                } while (i < work.Events.Count);
                JournalFrame.FinishBatch(buffer.AsSpan(0, used), staged, staged ? work.StageId!.Value : work.Txn.Key, refs.Count - chunkStart);
                var position = _journal.Append(buffer.AsSpan(0, used));
                if (first < 0) first = position;
                for (var r = chunkStart; r < refs.Count; r++) refs[r] = refs[r] with { Position = position + refs[r].Position };
            }
            work.Written = refs;
            work.FirstFrame = first;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
