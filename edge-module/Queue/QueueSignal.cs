namespace SensorStream.EdgeModule.Queue;

/// <summary>Auto-reset wake-up for the coordinator: set when events arrive, so it need not poll the database.</summary>
public sealed class QueueSignal
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Set()
    {
        try { _semaphore.Release(); }
        catch (SemaphoreFullException) { }
    }

    /// <summary>True when signalled, false when <paramref name="timeout"/> passed first.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _semaphore.WaitAsync(timeout, ct);
}
