using System.Buffers;
using Google.Protobuf;
using SensorStream.Gateway.Storage;
using SensorStream.Streams.Protocol;

namespace SensorStream.Gateway.Service;

/// <summary>
/// Fills the responses of ReadEventBatches: the events' bytes back to back in one pooled buffer (reused for every
/// response of the call, returned to <see cref="ArrayPool{T}.Shared"/> on dispose) and their sizes, up to the request's
/// <c>max_events</c> and <c>max_bytes</c> — each lowered to the gateway's caps (<see cref="MaxEvents"/>,
/// <see cref="MaxBytes"/>) before anything is read, so a response's memory is bounded before it is paid. An event is
/// never split and the first one always fits (it is at most <c>--max-event-bytes</c>, as in ReadEvents).
/// </summary>
public sealed class EventBatchBuffer : IDisposable
{
    /// <summary>Events per response when the request leaves <c>max_events</c> at 0.</summary>
    public const int DefaultMaxEvents = 10_000;

    /// <summary>The most events one response carries, whatever the request asks.</summary>
    public const int MaxEvents = 100_000;

    /// <summary>Event bytes per response when the request leaves <c>max_bytes</c> at 0 (1 MiB).</summary>
    public const int DefaultMaxBytes = 1024 * 1024;

    /// <summary>The most event bytes one response carries (8 MiB), unless its only event is larger.</summary>
    public const int MaxBytes = 8 * 1024 * 1024;

    private const int InitialBytes = 256 * 1024;

    private readonly int _maxEvents;
    private readonly int _maxBytes;
    private byte[] _buffer;
    private int _length;
    private ReadEventBatchesResponse _response = new();

    /// <summary>
    /// A buffer for <paramref name="request"/>'s limits. Throws INVALID_ARGUMENT (naming the field) for a negative limit.
    /// </summary>
    public EventBatchBuffer(ReadEventBatchesRequest request)
    {
        _maxEvents = Limit(request.MaxEvents, DefaultMaxEvents, MaxEvents, "max_events");
        _maxBytes = Limit(request.MaxBytes, DefaultMaxBytes, MaxBytes, "max_bytes");
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(_maxBytes, InitialBytes));
    }

    /// <summary>The per-response limits in force (the request's, defaulted and capped).</summary>
    public (int Events, int Bytes) Limits => (_maxEvents, _maxBytes);

    /// <summary>Events in the response being filled.</summary>
    public int Count => _response.Sizes.Count;

    /// <summary>True when an event of <paramref name="size"/> bytes still fits into the response being filled.</summary>
    public bool Fits(int size) => Count == 0 || (Count < _maxEvents && (long)_length + size <= _maxBytes);

    /// <summary>Appends one event (check <see cref="Fits"/> first).</summary>
    public void Add(ReadOnlySpan<byte> evt)
    {
        if (_length + evt.Length > _buffer.Length) Grow(_length + evt.Length);
        evt.CopyTo(_buffer.AsSpan(_length));
        _length += evt.Length;
        _response.Sizes.Add(evt.Length);
    }

    /// <summary>
    /// The filled response, ending at <paramref name="cutAfter"/>, and a fresh one to fill. Its data refers to the pooled
    /// buffer: write it (await the write) before the next <see cref="Add"/>.
    /// </summary>
    public ReadEventBatchesResponse Take(StreamCut cutAfter)
    {
        var full = _response;
        full.Data = UnsafeByteOperations.UnsafeWrap(_buffer.AsMemory(0, _length));
        full.StreamCut = cutAfter;
        _response = new ReadEventBatchesResponse();
        _length = 0;
        return full;
    }

    private void Grow(int needed)
    {
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Min(2 * _buffer.Length, Math.Max(needed, _maxBytes))));
        _buffer.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }

    private static int Limit(int requested, int fallback, int cap, string field) => requested switch
    {
        < 0 => throw new StoreException(StoreError.InvalidArgument, $"{field} is {requested}; it must be 0 (the gateway's default) or positive"),
        0 => fallback,
        _ => Math.Min(requested, cap),
    };

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
