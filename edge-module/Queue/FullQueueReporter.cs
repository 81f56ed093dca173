using Microsoft.Extensions.Logging;

namespace SensorStream.EdgeModule.Queue;

/// <summary>
/// Logs the queue-full policy at work: once when the queue becomes full (naming the CSV file left in place, if a file's
/// part was refused), then a summary at most every 10 s while it stays full, and once when it accepts data normally
/// again. An event larger than the whole queue is a setting problem, not a full queue: it is said once per source,
/// naming both sizes and what to change. Called under the queue's lock.
/// </summary>
internal sealed class FullQueueReporter(ILogger log, QueueOptions options)
{
    private static readonly TimeSpan SummaryEvery = TimeSpan.FromSeconds(10);
    private bool _full;
    private DateTime _lastSummary;
    private long _refusedSamples, _droppedEvents, _droppedSamples;
    private readonly HashSet<string> _tooLarge = new(StringComparer.Ordinal);

    /// <summary>Records a refused event (or CSV part) of <paramref name="eventBytes"/> from <paramref name="source"/> (a sensor id).</summary>
    /// <param name="file">The CSV file whose part was refused, or null for a sampled event.</param>
    public void Refused(long samples, long queuedBytes, long eventBytes, string source, string? file)
    {
        _refusedSamples += samples;
        if (options.LargerThanWhole($"An event of {source}", eventBytes,
                $"it can never be queued and its samples are refused (recorded in Losses); raise {options.MaxBytesSetting} or lower {options.BatchSetting}") is { } tooLarge)
        {
            if (_tooLarge.Add(source)) log.LogError("{Problem}", tooLarge);
            return;
        }
        if (file is not null && !_full)
            log.LogWarning("Queue full ({Bytes} of {Max} bytes): CSV file {File} is left in place and retried as the queue drains", queuedBytes, options.MaxBytes, file);
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
