using SensorStream.Gateway.Storage;

namespace SensorStream.Gateway.Service;

/// <summary>
/// Concurrent reads across the gateway (<c>--max-readers</c>): every <c>ReadEvents</c> and <c>BatchReadEvents</c> call
/// holds one slot from its start to its end (a tailing reader for as long as it stays open). A call over the limit is
/// refused with RESOURCE_EXHAUSTED naming the setting before it reads anything, and every reader already admitted keeps
/// being served. <c>FetchEvent</c> (one bounded read) does not take a slot.
/// </summary>
public sealed class ReaderSlots(int limit)
{
    private readonly CountedLimit _slots = new(limit);

    /// <summary>The limit (readers).</summary>
    public int Limit => limit;

    /// <summary>Reads in progress right now.</summary>
    public int Active => (int)_slots.Held;

    /// <summary>Takes a slot for <paramref name="call"/> (e.g. "ReadEvents"), given back when the result is disposed.</summary>
    /// <exception cref="StoreException">RESOURCE_EXHAUSTED: <see cref="Limit"/> reads are in progress.</exception>
    public Slot Enter(string call)
    {
        if (_slots.TryTake(1)) return new Slot(this);
        throw new StoreException(StoreError.ResourceExhausted,
            $"the gateway already serves {Active} reads, the most --max-readers ({limit}) allows; {call} refused, retry when a reader ends");
    }

    /// <summary>One admitted read; disposing it frees the slot (once).</summary>
    public sealed class Slot(ReaderSlots owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) owner._slots.Release(1);
        }
    }
}
