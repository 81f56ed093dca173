using System.Buffers.Binary;

namespace SensorStream.Streams.BlobStreams;

/// <summary>
/// Body of a chunk blob: the magic <c>SSC1</c>, then every event as a 4-byte little-endian length and its bytes.
/// Length-prefixed frames keep events byte-exact (no escaping) and let a reader check the count against the metadata.
/// </summary>
public static class ChunkCodec
{
    private static ReadOnlySpan<byte> Magic => "SSC1"u8;

    public static int EncodedLength(IReadOnlyList<ReadOnlyMemory<byte>> events)
    {
        long total = Magic.Length;
        foreach (var e in events) total += 4 + e.Length;
        return checked((int)total);
    }

    public static byte[] Encode(IReadOnlyList<ReadOnlyMemory<byte>> events)
    {
        var body = new byte[EncodedLength(events)];
        Encode(events, body);
        return body;
    }

    /// <summary>Writes the body into <paramref name="body"/> (at least <see cref="EncodedLength"/> bytes, e.g. a pooled buffer); returns its length.</summary>
    public static int Encode(IReadOnlyList<ReadOnlyMemory<byte>> events, Span<byte> body)
    {
        Magic.CopyTo(body);
        var at = Magic.Length;
        foreach (var e in events)
        {
            BinaryPrimitives.WriteInt32LittleEndian(body[at..], e.Length);
            e.Span.CopyTo(body[(at + 4)..]);
            at += 4 + e.Length;
        }
        return at;
    }

    /// <summary>Splits a chunk body into its events (slices of <paramref name="body"/>, not copies).</summary>
    public static IReadOnlyList<ReadOnlyMemory<byte>> Decode(ReadOnlyMemory<byte> body, string nameForErrors)
    {
        var span = body.Span;
        if (span.Length < Magic.Length || !span[..Magic.Length].SequenceEqual(Magic))
            throw new InvalidDataException($"{nameForErrors} is not a chunk (no SSC1 magic)");
        var events = new List<ReadOnlyMemory<byte>>();
        var at = Magic.Length;
        while (at < span.Length)
        {
            if (span.Length - at < 4) throw new InvalidDataException($"{nameForErrors}: truncated frame header at byte {at}");
            var length = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
            if (length < 0 || length > span.Length - at - 4)
                throw new InvalidDataException($"{nameForErrors}: frame at byte {at} claims {length} bytes, only {span.Length - at - 4} left");
            events.Add(body.Slice(at + 4, length));
            at += 4 + length;
        }
        return events;
    }
}
