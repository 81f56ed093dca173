namespace SensorStream.EdgeModule.Sampling;

/// <summary>
/// Stop and flush requests to a sampling thread (<see cref="Sampler"/>, <see cref="BufferedSampler"/>): callers ask, the
/// thread serves the request at its next turn and completes the returned task once its open batches are handed over.
/// </summary>
internal sealed class LoopControl
{
    private volatile bool _stopping;
    private volatile TaskCompletionSource? _flushRequest;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Whether a stop was asked for.</summary>
    public bool Stopping => _stopping;

    /// <summary>Asks for the open batches at the thread's next turn; completes once they are handed over (at once after the thread ended).</summary>
    public Task RequestFlush()
    {
        var request = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _flushRequest, request)?.TrySetResult();
        return _stopped.Task.IsCompleted ? Task.CompletedTask : request.Task;
    }

    /// <summary>Asks the thread to stop; completes when it has (<see cref="Stopped"/>).</summary>
    public Task RequestStop()
    {
        _stopping = true;
        return _stopped.Task;
    }

    /// <summary>The pending flush request, taken (the thread completes it after emitting), or null.</summary>
    public TaskCompletionSource? TakeFlushRequest() => Interlocked.Exchange(ref _flushRequest, null);

    /// <summary>The thread has ended (after emitting its open batches): completes any pending flush and the stop.</summary>
    public void Stopped()
    {
        TakeFlushRequest()?.TrySetResult();
        _stopped.TrySetResult();
    }
}
