using Microsoft.Extensions.Logging;
using SensorStream.EdgeModule.Queue;

namespace SensorStream.EdgeModule.Import;

/// <summary>
/// The importer's waits for room in the queue, logged once per wait: one line when the queue has less room than the
/// smallest part (one row), and one when the import goes on with room for <paramref name="roomBytes"/> again, or the
/// file ends. While the queue drains slowly the import trickles on in small parts without a line per part or per scan;
/// a part of one row that is larger than the whole queue is said to be so (<see cref="QueueOptions.LargerThanWhole"/>).
/// </summary>
/// <param name="roomBytes">Free bytes after a part that end the wait (the importer passes half the queue, at most a whole part).</param>
internal sealed class QueueRoomWait(ILogger log, TimeProvider clock, long roomBytes)
{
    private DateTimeOffset? _since;
    private long _parts;

    /// <summary>Records that <paramref name="file"/> waits: a part needs <paramref name="neededBytes"/>, <paramref name="freeBytes"/> are free.</summary>
    public void Waiting(string file, long freeBytes, long neededBytes, QueueOptions queue)
    {
        if (_since is not null) return;
        _since = clock.GetUtcNow();
        _parts = 0;
        if (queue.LargerThanWhole($"{file}: a part of one row", neededBytes, $"it can never be queued; the file waits in place until {queue.MaxBytesSetting} is raised") is { } tooLarge)
            log.LogError("{Problem}", tooLarge);
        else
            log.LogInformation("{File}: waiting for room in the queue ({Free} bytes free, a part needs at least {Needed}); the import goes on as it drains",
                file, freeBytes, neededBytes);
    }

    /// <summary>Records a part of <paramref name="file"/> queued, leaving <paramref name="freeBytes"/> free; ends a wait when there is room again or the file ended.</summary>
    public void Queued(string file, long freeBytes, bool fileEnded)
    {
        if (_since is not { } since) return;
        _parts++;
        if (!fileEnded && freeBytes < roomBytes) return;
        log.LogInformation(fileEnded
                ? "{File}: read to its end while the queue drained; the import waited {Seconds:F1} s for room and queued {Parts} parts meanwhile"
                : "{File}: the queue has room again; the import waited {Seconds:F1} s and queued {Parts} parts meanwhile",
            file, (clock.GetUtcNow() - since).TotalSeconds, _parts);
        _since = null;
    }
}
