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
    private int _active;

    /// <summary>The limit (readers).</summary>
    public int Limit => limit;

    /// <summary>Reads in progress right now.</summary>
    public int Active => Volatile.Read(ref _active);

    /// <summary>Takes a slot for <paramref name="call"/> (e.g. "ReadEvents"), given back when the result is disposed.</summary>
    /// <exception cref="StoreException">RESOURCE_EXHAUSTED: <see cref="Limit"/> reads are in progress.</exception>
    public Slot Enter(string call)
    {
        var active = Interlocked.Increment(ref _active);
        if (active <= limit) return new Slot(this);
        Interlocked.Decrement(ref _active);
        throw new StoreException(StoreError.ResourceExhausted,
            $"the gateway already serves {active - 1} reads, the most --max-readers ({limit}) allows; {call} refused, retry when a reader ends");
    }

    /// <summary>One admitted read; disposing it frees the slot (once).</summary>
    public sealed class Slot(ReaderSlots owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) Interlocked.Decrement(ref owner._active);
        }
    }
}
