using Microsoft.Extensions.Logging;

namespace SensorStream.EdgeModule.Queue;

/// <summary>
/// Logs the queue-full policy at work: once when the queue becomes full, then a summary at most every
/// 10 s while it stays full, and once when it accepts data normally again. Called under the queue's lock.
/// </summary>
internal sealed class FullQueueReporter(ILogger log, QueueOptions options)
{
    private static readonly TimeSpan SummaryEvery = TimeSpan.FromSeconds(10);
    private bool _full;
    private DateTime _lastSummary;
    private long _refusedSamples, _droppedEvents, _droppedSamples;

    public void Refused(long samples, long queuedBytes, string? file)
    {
        _refusedSamples += samples;
        if (file is not null)
            log.LogWarning("Queue full ({Bytes} of {Max} bytes): CSV file {File} is left in place and retried later", queuedBytes, options.MaxBytes, file);
        Enter(queuedBytes);
    }

    public void Dropped(long events, long samples)
    {
        _droppedEvents += events;
        _droppedSamples += samples;
    }

    public void Accepted(bool afterDrop)
    {
        if (afterDrop)
        {
            Enter(options.MaxBytes);
            return;
        }
        if (!_full) return;
        _full = false;
        Summarize("Queue accepts data again");
    }

    private void Enter(long queuedBytes)
    {
        if (!_full)
        {
            _full = true;
            _lastSummary = DateTime.UtcNow;
            log.LogWarning("Queue full ({Bytes} of {Max} bytes, policy {Policy}): " +
                           (options.FullPolicy == QueueFullPolicy.Reject ? "new samples are refused" : "the oldest queued events are dropped") +
                           "; every lost sample range is recorded in the Losses table", queuedBytes, options.MaxBytes, options.FullPolicy);
        }
        else if (DateTime.UtcNow - _lastSummary >= SummaryEvery)
        {
            _lastSummary = DateTime.UtcNow;
            Summarize("Queue still full");
        }
    }

    private void Summarize(string what)
    {
        log.LogWarning("{What}: {Refused} samples refused, {DroppedEvents} events ({DroppedSamples} samples) dropped since the last report",
            what, _refusedSamples, _droppedEvents, _droppedSamples);
        _refusedSamples = _droppedEvents = _droppedSamples = 0;
    }
}
