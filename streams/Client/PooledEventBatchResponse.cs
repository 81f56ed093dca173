using System.Buffers;
using Google.Protobuf;
using Grpc.Core;
using SensorStream.Streams.Protocol;

namespace SensorStream.Streams.Client;

/// <summary>
/// One ReadEventBatches response read with its <c>data</c> (the events back to back, up to the request's
/// <c>max_bytes</c>, 1–8 MiB) copied once from gRPC's receive buffer into an array rented from
/// <see cref="ArrayPool{T}.Shared"/> instead of the fresh array Google.Protobuf allocates for a bytes field: a fresh
/// megabyte-sized array is first-touch memory (page faults) and large-object-heap churn on every response, which
/// profiling showed to be most of the client's read cost. Every other field (<c>sizes</c>, <c>stream_cut</c>, fields
/// a newer gateway adds) is parsed by the generated parser, so the message means exactly what the .proto says.
/// </summary>
/// <param name="Data">The rented array (its first <paramref name="Length"/> bytes are the data), or empty when there is none.</param>
/// <param name="Length">Bytes of <c>data</c>.</param>
/// <param name="Rest">The response without <c>data</c>.</param>
public sealed record PooledEventBatchResponse(byte[] Data, int Length, ReadEventBatchesResponse Rest)
{
    private const uint DataTag = (ReadEventBatchesResponse.DataFieldNumber << 3) | 2; // length-delimited

    /// <summary>The ReadEventBatches method of the generated stub with this type as its response.</summary>
    public static readonly Method<ReadEventBatchesRequest, PooledEventBatchResponse> Method = new(
        MethodType.ServerStreaming, PravegaGateway.Descriptor.FullName, "ReadEventBatches",
        Marshallers.Create<ReadEventBatchesRequest>(
            (request, context) =>
            {
                context.SetPayloadLength(request.CalculateSize());
                request.WriteTo(context.GetBufferWriter());
                context.Complete();
            },
            context => ReadEventBatchesRequest.Parser.ParseFrom(context.PayloadAsReadOnlySequence())),
        Marshallers.Create<PooledEventBatchResponse>(
            (_, _) => throw new NotSupportedException("a client never sends a ReadEventBatches response"),
            context => Parse(context.PayloadAsReadOnlySequence())));

    /// <summary>
    /// Splits one serialized response: <c>data</c> into a rented array, the other fields through the generated parser.
    /// Throws <see cref="InvalidDataException"/> for a malformed message (truncated field, group wire type).
    /// </summary>
    public static PooledEventBatchResponse Parse(ReadOnlySequence<byte> message)
    {
        var reader = new SequenceReader<byte>(message);
        var rest = new ArrayBufferWriter<byte>(256);
        byte[] data = [];
        var length = 0;
        try
        {
            while (!reader.End)
            {
                var start = reader.Consumed;
                var tag = ReadVarint(ref reader);
                if (tag == DataTag)
                {
                    var size = ReadLength(ref reader);
                    if (data.Length > 0) ArrayPool<byte>.Shared.Return(data); // a repeated field: the last one counts
                    data = size == 0 ? [] : ArrayPool<byte>.Shared.Rent(size);
                    reader.TryCopyTo(data.AsSpan(0, size));
                    reader.Advance(size);
                    length = size;
                    continue;
                }
                Skip(ref reader, tag);
                var field = message.Slice(start, reader.Consumed - start);
                field.CopyTo(rest.GetSpan((int)field.Length));
                rest.Advance((int)field.Length);
            }
            return new PooledEventBatchResponse(data, length, ReadEventBatchesResponse.Parser.ParseFrom(rest.WrittenSpan));
        }
        catch
        {
            if (data.Length > 0) ArrayPool<byte>.Shared.Return(data);
            throw;
        }
    }

    private static void Skip(ref SequenceReader<byte> reader, ulong tag)
    {
        switch (tag & 7)
        {
            case 0:
                ReadVarint(ref reader);
                break;
            case 1:
                Advance(ref reader, 8);
                break;
            case 2:
                Advance(ref reader, ReadLength(ref reader));
                break;
            case 5:
                Advance(ref reader, 4);
                break;
            default:
                throw new InvalidDataException($"ReadEventBatches response: field {tag >> 3} has wire type {tag & 7}, which the message does not use");
        }
    }

    private static int ReadLength(ref SequenceReader<byte> reader)
    {
        var length = ReadVarint(ref reader);
        if (length > (ulong)reader.Remaining)
            throw new InvalidDataException($"ReadEventBatches response: a field announces {length} bytes, {reader.Remaining} are left");
        return (int)length;
    }

    private static void Advance(ref SequenceReader<byte> reader, int count)
    {
        if (count > reader.Remaining)
            throw new InvalidDataException($"ReadEventBatches response: a field needs {count} bytes, {reader.Remaining} are left");
        reader.Advance(count);
    }

    private static ulong ReadVarint(ref SequenceReader<byte> reader)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (!reader.TryRead(out var b)) throw new InvalidDataException("ReadEventBatches response: truncated varint");
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new InvalidDataException("ReadEventBatches response: a varint longer than 10 bytes");
    }
}
