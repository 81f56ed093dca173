namespace SensorStream.Gateway.Storage;

/// <summary>
/// Caps the segment files held open across the gateway (<see cref="StoreOptions.MaxOpenSegmentFiles"/>): segment files
/// are opened on first use and, once more than the cap are open, the least recently used idle ones are closed (a
/// segment in use by a read or merge is never closed under it). 20 streams × 1024 segments then need at most the cap
/// in descriptors, not 20 480. A soft cap: when every open file is in use, one more is opened anyway.
/// </summary>
public sealed class SegmentHandles(int capacity)
{
    private readonly Lock _lock = new();
    private readonly HashSet<SegmentFile> _open = [];

    /// <summary>The cap (<see cref="StoreOptions.MaxOpenSegmentFiles"/>).</summary>
    public int Capacity => capacity;

    /// <summary>Segment files open now.</summary>
    public int Open
    {
        get { lock (_lock) return _open.Count; }
    }

    internal void Opened(SegmentFile file)
    {
        List<SegmentFile>? victims = null;
        lock (_lock)
        {
            _open.Add(file);
            if (_open.Count > capacity)
            {
                // Close the oldest tenth at once, so eviction is not paid on every open.
                var excess = _open.Count - capacity + Math.Max(1, capacity / 10);
                victims = [.. _open.Where(f => f != file).OrderBy(f => f.LastUse).Take(excess)];
            }
        }
        if (victims is null) return;
        foreach (var victim in victims)
            if (victim.TryCloseIdle())
                lock (_lock) _open.Remove(victim);
    }

    internal void Closed(SegmentFile file)
    {
        lock (_lock) _open.Remove(file);
    }
}
