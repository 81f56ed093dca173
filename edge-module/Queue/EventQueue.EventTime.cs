namespace SensorStream.EdgeModule.Queue;

// Event time of what is still queued, for the writer's mark with each commit (the stream's watermark).
public sealed partial class EventQueue
{
    /// <summary>
    /// The lowest sample time (ns since the Unix epoch) of the events queued after id <paramref name="afterId"/>, or null
    /// when none is; false (nothing computed) when more than <paramref name="maxEvents"/> events are queued after it —
    /// every sample of every such event is looked at, so the cost is bounded by that count.
    /// </summary>
    public bool TryOldestSampleTime(long afterId, int maxEvents, out long? oldest)
    {
        lock (_gate)
        {
            oldest = null;
            var count = Query(_db, "SELECT COUNT(*) FROM Events WHERE Id > $a", null, r => r.GetInt64(0), ("$a", afterId)).Single();
            if (count > maxEvents) return false;
            if (count == 0) return true;
            oldest = Query(_db,
                "SELECT MIN(t.value) FROM Events, json_each(CAST(Events.Data AS TEXT), '$.TimestampNanos') AS t WHERE Events.Id > $a",
                null, r => r.IsDBNull(0) ? (long?)null : r.GetInt64(0), ("$a", afterId)).Single();
            return true;
        }
    }
}
