using Microsoft.Extensions.Logging;
using SensorStream.Gateway.Transactions;

namespace SensorStream.Gateway.Storage;

// Checkpoints: fsync the segments, then let go of the journal files nothing needs any more.
public sealed partial class StreamStore
{
    private readonly Lock _checkpointStateLock = new();
    private readonly SemaphoreSlim _checkpointGate = new(1, 1);
    private List<(Transaction Txn, long CommittedAtMs)> _mergedSinceCheckpoint = [];
    private long _bytesSinceCheckpoint;
    private long _firstMergeSinceCheckpointMs = -1;
    private long _lastCheckpointMs;

    private bool CheckpointDue(long now)
    {
        lock (_checkpointStateLock)
            return (_mergedSinceCheckpoint.Count > 0 &&
                    (_bytesSinceCheckpoint >= _options.CheckpointBytes ||
                     now - _firstMergeSinceCheckpointMs >= _options.CheckpointInterval.TotalMilliseconds)) ||
                   // Aborts and expired leases also free journal files: an idle stream gives them back too.
                   (_journal.FileCount > 1 && now - _lastCheckpointMs >= _options.CheckpointInterval.TotalMilliseconds);
    }

    /// <summary>Checkpoints when one is due (called periodically, so an idle stream still lets go of journal files).</summary>
    public Task CheckpointIfDueAsync() => CheckpointDue(_options.Clock()) ? CheckpointAsync(force: false) : Task.CompletedTask;

    /// <summary>
    /// fsyncs the segments, records the committed ids and how far the segments are durable, then deletes the journal
    /// files before both the checkpoint and the oldest transaction still alive. Runs beside the pipeline: it captures a
    /// consistent point first, and fsync covers later writes too.
    /// </summary>
    public async Task CheckpointAsync(bool force)
    {
        if (force) await _checkpointGate.WaitAsync().ConfigureAwait(false);
        else if (!_checkpointGate.Wait(0)) return;
        List<(Transaction Txn, long CommittedAtMs)>? merged = null;
        try
        {
            long logEnd, keepFrom;
            long[] ends;
            lock (_checkpointStateLock)
            {
                logEnd = _committedLogEnd;
                ends = (long[])_writtenEnds.Clone();
                merged = _mergedSinceCheckpoint;
                _mergedSinceCheckpoint = [];
                _bytesSinceCheckpoint = 0;
                _firstMergeSinceCheckpointMs = -1;
                _lastCheckpointMs = _options.Clock();
                // Under the lock: the pipeline adds a commit to the merged list before it leaves _open, so every live
                // transaction is seen here (open, aborting, or merged after this point and so still in _open).
                keepFrom = _open.Values.Concat(_aborting.Values).Select(t => t.FirstPosition).Where(p => p >= 0).DefaultIfEmpty(long.MaxValue).Min();
            }
            if (merged.Count > 0)
            {
                foreach (var segment in Current.Segments) segment.FlushIfDirty();
                // Before any journal file with their commit frames goes: their status must outlive it.
                _committedIds.Append(merged.Select(m => (m.Txn.Id, m.CommittedAtMs)));
                new Checkpoint(logEnd, ends) { CommittedIdsEnd = _committedIds.End }.Save(Paths.CheckpointFile);
                _durableLogEnd = logEnd;
            }
            merged = null; // recorded: their ids are in committed.log
            var deleted = _journal.DeleteBefore(Math.Min(_durableLogEnd, keepFrom));
            if (deleted > 0) _log.LogDebug("{Stream}: deleted {Count} journal file(s)", this, deleted);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing is lost: the older checkpoint and the journal still on disk replay everything.
            _log.LogError(e, "Checkpoint of {Stream} failed; it is retried with the next one", this);
        }
        finally
        {
            // Whatever failed (not only I/O): the next checkpoint records them, or their ids would never reach
            // committed.log and they would answer UNKNOWN once their journal files are gone.
            if (merged is not null)
                lock (_checkpointStateLock) _mergedSinceCheckpoint.InsertRange(0, merged);
            _checkpointGate.Release();
        }
    }

    private long _durableLogEnd; // journal position the saved checkpoint covers (checkpoint-owned)

    private int _abandoned;

    /// <summary>Closes the stream's files without draining or checkpointing (start-up was refused; nothing was written).</summary>
    internal void Abandon()
    {
        if (Interlocked.Exchange(ref _abandoned, 1) == 1) return;
        _rounds.CloseAsync().Wait();
        _closed.Cancel();
        foreach (var segment in Current.Segments) segment.Dispose();
        _journal.Dispose();
        _committedIds.Dispose();
        _open.ReleaseAll();
    }

    /// <summary>Stops taking work, lets the rounds finish what is queued, and checkpoints.</summary>
    public async ValueTask DisposeAsync()
    {
        await _rounds.CloseAsync().ConfigureAwait(false);
        await _closed.CancelAsync().ConfigureAwait(false);
        if (_fault is null && !_deleted) await CheckpointAsync(force: true).ConfigureAwait(false);
        foreach (var segment in Current.Segments) segment.Dispose();
        _journal.Dispose();
        _committedIds.Dispose();
        _open.ReleaseAll();
    }
}
