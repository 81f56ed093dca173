using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using SensorStream.Streams.Events;

namespace SensorStream.EdgeModule.Queue;

/// <summary>
/// Hands batches from the sampling thread to the SQLite queue: the sampler only ever does a non-blocking
/// channel write, so an fsync or a full disk never delays a deadline.
/// </summary>
public sealed class QueueWriter
{
    private readonly Channel<SampleBatch> _channel = Channel.CreateUnbounded<SampleBatch>(new UnboundedChannelOptions { SingleReader = true });
    private readonly EventQueue _queue;
    private readonly ILogger _log;
    private readonly Task _run;
    private readonly Lock _gate = new();
    private readonly List<(long Target, TaskCompletionSource Done)> _waiters = [];
    private long _posted;
    private long _stored;

    public QueueWriter(EventQueue queue, ILogger log)
    {
        _queue = queue;
        _log = log;
        _run = Task.Run(RunAsync);
    }

    /// <summary>Never blocks (called on the sampling thread).</summary>
    public void Post(SampleBatch batch)
    {
        Interlocked.Increment(ref _posted);
        _channel.Writer.TryWrite(batch);
    }

    /// <summary>Completes once every batch posted before the call has been offered to the queue.</summary>
    public Task WhenStoredAsync()
    {
        var target = Interlocked.Read(ref _posted);
        lock (_gate)
        {
            if (_stored >= target) return Task.CompletedTask;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((target, done));
            return done.Task;
        }
    }

    private void Stored()
    {
        lock (_gate)
        {
            _stored++;
            foreach (var w in _waiters.Where(w => w.Target <= _stored)) w.Done.TrySetResult();
            _waiters.RemoveAll(w => w.Target <= _stored);
        }
    }

    /// <summary>Stores what was posted, then ends.</summary>
    public Task CompleteAsync()
    {
        _channel.Writer.TryComplete();
        return _run;
    }

    private async Task RunAsync()
    {
        await foreach (var batch in _channel.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            while (true)
            {
                try
                {
                    _queue.Enqueue(batch);
                    Stored();
                    break;
                }
                catch (ArgumentException e)
                {
                    // Cannot happen with validated settings (--batch is bounded so events fit the 8 MiB event limit); never let one
                    // bad batch stop the writer for every later one.
                    _log.LogCritical("Batch of {Sensor} at sequence {Sequence} ({Count} samples) cannot be queued and is lost: {Error}",
                        batch.SensorId, batch.FirstSequence, batch.Count, e.Message);
                    Stored();
                    break;
                }
                catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException)
                {
                    // Disk trouble: keep the batch in memory and retry; samples are only lost if the process dies meanwhile.
                    _log.LogError("Queue write of {Sensor} at sequence {Sequence} failed, retrying in 1 s: {Error}", batch.SensorId, batch.FirstSequence, e.Message);
                    await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
                }
            }
        }
    }
}
