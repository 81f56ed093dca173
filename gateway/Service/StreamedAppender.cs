using SensorStream.Gateway.Storage;

namespace SensorStream.Gateway.Service;

/// <summary>
/// Appends the events of one non-transactional WriteEvents call as they arrive, as the public gateway hands each
/// message to a Pravega writer. Events wait in a small buffer only while the previous batch is being made durable;
/// then all that waited go as one batch (a transaction begun, written and committed: durable and visible to readers
/// when it completes). Batches of concurrent calls share the stream's group-commit rounds. Memory per call is bounded:
/// <see cref="AddAsync"/> waits while <paramref name="maxBufferedBytes"/> are already waiting. Appends are not
/// cancelled with the call: what the gateway accepted is written even if the client goes away.
/// </summary>
public sealed class StreamedAppender(StreamStore stream, long maxBufferedBytes)
{
    private readonly Lock _lock = new();
    private List<(string, ReadOnlyMemory<byte>)> _waiting = [];
    private long _waitingBytes;
    private bool _pumping;
    private Task _pump = Task.CompletedTask;
    private TaskCompletionSource? _space;
    private Exception? _failure;
    private long _written;
    private int _inFlight;
    private bool _committing;

    /// <summary>Events of this call that are durable and visible.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>
    /// Events of the batch that failed during its commit: they may or may not be in the stream (recovery at the next
    /// start decides). 0 when the batch failed before its commit (then it was not written).
    /// </summary>
    public int InDoubt { get; private set; }

    /// <summary>Queues one event; starts a batch when none is running. Throws the failure of an earlier batch.</summary>
    public async Task AddAsync(string routingKey, ReadOnlyMemory<byte> evt)
    {
        while (true)
        {
            Task wait;
            lock (_lock)
            {
                if (_failure is not null) throw _failure;
                if (_waiting.Count == 0 || _waitingBytes + evt.Length <= maxBufferedBytes)
                {
                    _waiting.Add((routingKey, evt));
                    _waitingBytes += evt.Length;
                    if (!_pumping)
                    {
                        _pumping = true;
                        _pump = Task.Run(PumpAsync);
                    }
                    return;
                }
                wait = (_space ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }
            await wait.ConfigureAwait(false);
        }
    }

    /// <summary>Waits until every queued event is written; throws the failure of a batch.</summary>
    public async Task DrainAsync()
    {
        Task pump;
        lock (_lock) pump = _pump;
        await pump.ConfigureAwait(false);
        lock (_lock)
            if (_failure is not null) throw _failure;
    }

    private async Task PumpAsync()
    {
        while (true)
        {
            List<(string, ReadOnlyMemory<byte>)> batch;
            lock (_lock)
            {
                if (_waiting.Count == 0)
                {
                    _pumping = false;
                    return;
                }
                batch = _waiting;
                _waiting = [];
                _waitingBytes = 0;
                _space?.TrySetResult();
                _space = null;
                _inFlight = batch.Count;
                _committing = false;
            }
            try
            {
                await AppendCommittedAsync(batch).ConfigureAwait(false);
                Interlocked.Add(ref _written, batch.Count);
            }
            catch (Exception e)
            {
                lock (_lock)
                {
                    _failure = e;
                    InDoubt = _committing ? _inFlight : 0;
                    _pumping = false;
                    _space?.TrySetResult();
                }
                return;
            }
        }
    }

    private async Task AppendCommittedAsync(List<(string, ReadOnlyMemory<byte>)> batch)
    {
        var txn = stream.Begin(0, callScoped: true);
        try
        {
            await stream.AppendAsync(txn.Id, batch, CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            try { await stream.AbortAsync(txn.Id, CancellationToken.None).ConfigureAwait(false); }
            catch (StoreException) { /* the stream failed or closed: the transaction goes with it */ }
            throw;
        }
        lock (_lock) _committing = true;
        await stream.CommitAsync(txn.Id, CancellationToken.None).ConfigureAwait(false);
    }
}
