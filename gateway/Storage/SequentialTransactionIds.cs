using System.Buffers.Binary;

namespace SensorStream.Gateway.Storage;

/// <summary>
/// Transaction ids that compact in a <see cref="CommittedSet"/>: 16 bytes = a random 64-bit prefix chosen when the
/// stream is opened + a counter, shaped as an RFC 9562 version-8 UUID (version nibble 8, variant 10) so they never
/// collide with the random version-4 ids older data directories hold. Clients see them as 32 hex digits, as before.
/// </summary>
public sealed class SequentialTransactionIds
{
    private const ulong CounterMask = (1UL << 62) - 1;
    private readonly ulong _prefix;
    private long _next;

    /// <summary>A generator with a random prefix (one per stream opening).</summary>
    public SequentialTransactionIds() : this(BinaryPrimitives.ReadUInt64LittleEndian(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8))) { }

    /// <summary>A generator with a given prefix (its version nibble is forced to 8).</summary>
    public SequentialTransactionIds(ulong prefix) => _prefix = (prefix & ~(0xFUL << 60)) | (8UL << 60);

    /// <summary>The next id: same prefix, counter + 1.</summary>
    public Guid Next()
    {
        var counter = (ulong)Interlocked.Increment(ref _next) & CounterMask;
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, _prefix); // byte 7's high nibble: .NET's Guid keeps the version there
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], counter | (1UL << 63)); // variant 10 in byte 8's top bits
        return new Guid(bytes);
    }

    /// <summary>The id with <paramref name="id"/>'s prefix and <paramref name="counter"/> (salvage names ids a run skipped).</summary>
    public static Guid WithCounter(Guid id, ulong counter)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], (counter & CounterMask) | (1UL << 63));
        return new Guid(bytes);
    }

    /// <summary>The prefix and counter of an id made here; false for any other id.</summary>
    public static bool TrySplit(Guid id, out ulong prefix, out ulong counter)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        prefix = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var tail = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        counter = tail & CounterMask;
        return prefix >> 60 == 8 && tail >> 62 == 2;
    }
}
