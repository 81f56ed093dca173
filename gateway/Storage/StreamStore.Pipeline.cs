using Microsoft.Extensions.Logging;
using SensorStream.Gateway.Transactions;

namespace SensorStream.Gateway.Storage;

// The commit pipeline and checkpoints of one stream.
public sealed partial class StreamStore
{
    private const int MaxCommitsPerBatch = 1024;

    private readonly Lock _checkpointStateLock = new();
    private readonly SemaphoreSlim _checkpointGate = new(1, 1);
    private long[] _writtenEnds;                       // pipeline-owned: segment ends after the last merge
    private List<Transaction> _mergedSinceCheckpoint = [];
    private long _bytesSinceCheckpoint;
    private long _firstMergeSinceCheckpointMs = -1;
    private Exception? _fault;

    private void StartPipeline() => _pipeline = Task.Run(RunPipelineAsync);

    private async Task RunPipelineAsync()
    {
        var batch = new List<Transaction>();
        while (await _commits.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxCommitsPerBatch && _commits.Reader.TryRead(out var txn)) batch.Add(txn);
            try
            {
                if (_fault is not null) throw _fault;
                CommitBatch(batch);
            }
            catch (Exception e)
            {
                // A failed commit-log write or merge leaves the stream in a state only recovery can sort out (the
                // entry may be durable): refuse further commits; a restart replays the log.
                _fault ??= e;
                _log.LogError(e, "Commit pipeline of {Stream} failed; restart the gateway to recover the stream", this);
                var error = new StoreException(StoreError.Unavailable, $"commit on stream {this} failed ({e.Message}); the gateway must be restarted");
                foreach (var txn in batch) txn.Commit?.TrySetException(error);
            }
        }
    }

    /// <summary>One group commit: one durable commit-log entry for every transaction in the batch, then the merges.</summary>
    private void CommitBatch(List<Transaction> batch)
    {
        var now = _options.Clock();
        var ends = (long[])_writtenEnds.Clone();
        var committed = new List<CommittedTransaction>(batch.Count);
        long bytes = 0;
        foreach (var txn in batch)
        {
            var merges = new List<SegmentMerge>();
            for (var s = 0; s < ends.Length; s++)
            {
                if (txn.SegmentBytes[s] == 0) continue;
                merges.Add(new SegmentMerge(s, ends[s], txn.SegmentBytes[s], txn.SegmentEvents[s]));
                ends[s] += txn.SegmentBytes[s];
                bytes += txn.SegmentBytes[s];
            }
            committed.Add(new CommittedTransaction(txn.Id, merges));
        }
        var entry = new CommitEntry(now, committed);
        var logEnd = _commitLog.Append(entry); // the commit point of the whole batch

        for (var i = 0; i < batch.Count; i++) TransactionMerger.Merge(batch[i], committed[i], now, _segments);

        lock (_checkpointStateLock)
        {
            for (var s = 0; s < ends.Length; s++) _segments[s].Publish(ends[s]);
            _writtenEnds = ends;
            _committedLogEnd = logEnd;
            _mergedSinceCheckpoint.AddRange(batch);
            _bytesSinceCheckpoint += bytes;
            if (_firstMergeSinceCheckpointMs < 0) _firstMergeSinceCheckpointMs = now;
        }
        Appended.Pulse();
        foreach (var txn in batch)
        {
            txn.Phase = TransactionPhase.Committed;
            _committed[txn.Id] = now;
            _open.TryRemove(txn.Id, out _);
            txn.Commit!.TrySetResult();
        }
        if (CheckpointDue(now)) _ = Task.Run(() => CheckpointAsync(force: false));
    }

    private long _committedLogEnd;

    private bool CheckpointDue(long now)
    {
        lock (_checkpointStateLock)
            return _mergedSinceCheckpoint.Count > 0 &&
                   (_bytesSinceCheckpoint >= _options.CheckpointBytes ||
                    now - _firstMergeSinceCheckpointMs >= _options.CheckpointInterval.TotalMilliseconds);
    }

    /// <summary>Checkpoints when one is due (called periodically, so an idle stream still lets go of merged transaction files).</summary>
    public Task CheckpointIfDueAsync() => CheckpointDue(_options.Clock()) ? CheckpointAsync(force: false) : Task.CompletedTask;

    /// <summary>
    /// fsyncs the segments, records how far they are durable, then deletes the transaction files that recovery no
    /// longer needs. Runs beside the pipeline: it captures a consistent point first, and fsync covers later writes too.
    /// </summary>
    public async Task CheckpointAsync(bool force)
    {
        if (force) await _checkpointGate.WaitAsync().ConfigureAwait(false);
        else if (!_checkpointGate.Wait(0)) return;
        List<Transaction>? merged = null;
        try
        {
            long logEnd;
            long[] ends;
            lock (_checkpointStateLock)
            {
                if (_mergedSinceCheckpoint.Count == 0 && !force) return;
                logEnd = _committedLogEnd;
                ends = (long[])_writtenEnds.Clone();
                merged = _mergedSinceCheckpoint;
                _mergedSinceCheckpoint = [];
                _bytesSinceCheckpoint = 0;
                _firstMergeSinceCheckpointMs = -1;
            }
            foreach (var segment in _segments) segment.FlushIfDirty();
            new Checkpoint(logEnd, ends).Save(Paths.CheckpointFile);
            foreach (var txn in merged) txn.File.Delete();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing is lost: the older checkpoint and the transaction files still on disk replay everything.
            _log.LogError(e, "Checkpoint of {Stream} failed; it is retried with the next one", this);
            if (merged is not null)
                lock (_checkpointStateLock) _mergedSinceCheckpoint.InsertRange(0, merged.Where(t => File.Exists(t.File.Path)));
        }
        finally
        {
            _checkpointGate.Release();
        }
    }

    /// <summary>Stops taking commits, lets the pipeline finish those queued, and checkpoints.</summary>
    public async ValueTask DisposeAsync()
    {
        _commits.Writer.TryComplete();
        await _pipeline.ConfigureAwait(false);
        await _closed.CancelAsync().ConfigureAwait(false);
        if (_fault is null && !_deleted) await CheckpointAsync(force: true).ConfigureAwait(false);
        foreach (var txn in _open.Values) txn.File.Dispose();
        foreach (var segment in _segments) segment.Dispose();
        _commitLog.Dispose();
    }
}
