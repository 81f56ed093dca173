namespace SensorStream.Gateway.Storage;

/// <summary>
/// Wakes tailing readers when new events become visible, without polling: a reader takes <see cref="Next"/> before
/// checking for data, so a publish between its check and its wait is never missed.
/// </summary>
public sealed class AppendSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Next => Volatile.Read(ref _next).Task;

    public void Pulse()
    {
        var fired = Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        fired.TrySetResult();
    }
}
