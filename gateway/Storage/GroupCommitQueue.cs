namespace SensorStream.Gateway.Storage;

/// <summary>
/// Leader/follower group commit. A request that finds nobody processing becomes the leader and processes every waiting
/// request in its own thread (one journal fsync per round): a lone writer pays no thread hand-off, which on a busy
/// 2-core machine costs more than the fsync. Requests arriving meanwhile wait and go together in the next round. Once
/// its own request is done, the leader hands the remaining rounds to a thread-pool thread and answers.
/// </summary>
internal sealed class GroupCommitQueue(Action<List<PipelineWork>> processRound)
{
    private readonly Lock _lock = new();
    private List<PipelineWork> _waiting = [];
    private bool _leading, _closed;
    private TaskCompletionSource? _drained;

    /// <summary>Queues the request (and processes rounds when it becomes the leader); false once closed.</summary>
    public bool TrySubmit(PipelineWork work)
    {
        lock (_lock)
        {
            if (_closed) return false;
            _waiting.Add(work);
            if (_leading) return true;
            _leading = true;
        }
        Lead(work);
        return true;
    }

    /// <summary>Takes no more requests; completes once those queued are processed.</summary>
    public Task CloseAsync()
    {
        lock (_lock)
        {
            _closed = true;
            if (!_leading) return Task.CompletedTask;
            return (_drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    private void Lead(PipelineWork? own)
    {
        while (true)
        {
            List<PipelineWork> round;
            lock (_lock)
            {
                if (_waiting.Count == 0)
                {
                    _leading = false;
                    _drained?.TrySetResult();
                    return;
                }
                if (own is not null && own.IsFinished)
                {
                    ThreadPool.UnsafeQueueUserWorkItem(static queue => queue.Lead(null), this, preferLocal: false);
                    return;
                }
                round = _waiting;
                _waiting = [];
            }
            processRound(round);
        }
    }
}
