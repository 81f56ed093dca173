using System.Text;
using Google.Protobuf;
using Grpc.Core;
using SensorStream.Gateway.Storage;
using SensorStream.Streams.Protocol;

namespace SensorStream.Gateway.Service;

// Reading: ReadEvents, ReadEventBatches, BatchReadEvents, FetchEvent.
public sealed partial class PravegaGatewayService
{
    /// <summary>
    /// Events between the cuts; without to_stream_cut it tails until cancelled. timeout_ms is accepted for wire
    /// compatibility (it is the public gateway's internal poll interval) and not needed here: readers are woken on append.
    /// </summary>
    public override async Task ReadEvents(ReadEventsRequest request, IServerStreamWriter<ReadEventsResponse> responseStream, ServerCallContext context)
    {
        var stream = store.Stream(request.Scope, request.Stream);
        var (from, to) = Range(stream, request.FromStreamCut, request.ToStreamCut);
        using var slot = readers.Enter("ReadEvents");
        await foreach (var (record, after) in EventReadLoop.ReadAsync(stream, from, to, context.CancellationToken).ConfigureAwait(false))
        {
            var cut = StreamCutCodec.Encode(stream, after);
            await responseStream.WriteAsync(new ReadEventsResponse
            {
                Event = UnsafeByteOperations.UnsafeWrap(record.Event),
                Position = new Position { Bytes = ByteString.CopyFrom(Encoding.UTF8.GetBytes(cut.Text)), Description = cut.Description },
                EventPointer = EventPointerCodec.Encode(record),
                StreamCut = cut,
            }, context.CancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// ReadEvents' events in its order, many per response (<see cref="EventBatchBuffer"/>): events are copied from the
    /// segment reads into one pooled buffer and the cut is encoded once per response, after its last event. A tailing
    /// read (no to_stream_cut) sends what it has before it waits for appends.
    /// </summary>
    public override async Task ReadEventBatches(ReadEventBatchesRequest request, IServerStreamWriter<ReadEventBatchesResponse> responseStream, ServerCallContext context)
    {
        var stream = store.Stream(request.Scope, request.Stream);
        using var buffer = new EventBatchBuffer(request);
        var (from, to) = Range(stream, request.FromStreamCut, request.ToStreamCut);
        using var slot = readers.Enter("ReadEventBatches");
        var ct = context.CancellationToken;
        long[]? positions = null;
        await foreach (var block in EventReadLoop.ReadBlocksAsync(stream, from, to, ct).ConfigureAwait(false))
        {
            positions = block.Positions; // the loop's live positions: after every event before this block
            for (var i = 0; i < block.Records.Count; i++)
            {
                var record = block.Records[i];
                if (!buffer.Fits(record.Event.Length))
                {
                    var cut = StreamCutCodec.Encode(stream, i == 0 ? block.Positions : block.After(i - 1));
                    await responseStream.WriteAsync(buffer.Take(cut), ct).ConfigureAwait(false);
                }
                buffer.Add(record.Event.Span);
            }
            if (block.Records.Count == 0 && buffer.Count > 0) // caught up: the loop waits for appends next
                await responseStream.WriteAsync(buffer.Take(StreamCutCodec.Encode(stream, block.Positions)), ct).ConfigureAwait(false);
        }
        if (buffer.Count > 0) await responseStream.WriteAsync(buffer.Take(StreamCutCodec.Encode(stream, positions!)), ct).ConfigureAwait(false);
    }

    public override async Task BatchReadEvents(BatchReadEventsRequest request, IServerStreamWriter<BatchReadEventsResponse> responseStream, ServerCallContext context)
    {
        var stream = store.Stream(request.Scope, request.Stream);
        var (from, to) = Range(stream, request.FromStreamCut, request.ToStreamCut);
        using var slot = readers.Enter("BatchReadEvents");
        await foreach (var (record, _) in EventReadLoop.ReadAsync(stream, from, to ?? stream.Tails(), context.CancellationToken).ConfigureAwait(false))
        {
            await responseStream.WriteAsync(new BatchReadEventsResponse
            {
                Event = UnsafeByteOperations.UnsafeWrap(record.Event),
                SegmentId = stream.Epochs.SegmentId(record.Segment), // Pravega's id: epoch << 32 | number
                Offset = record.Offset,
            }, context.CancellationToken).ConfigureAwait(false);
        }
    }

    public override Task<FetchEventResponse> FetchEvent(FetchEventRequest request, ServerCallContext context)
    {
        var stream = store.Stream(request.Scope, request.Stream);
        var (segment, offset, size) = EventPointerCodec.Decode(request.EventPointer);
        var pointer = EventPointerCodec.Describe(segment, offset, size);
        if (segment >= stream.SegmentCount)
            throw new StoreException(StoreError.InvalidArgument, $"event_pointer names segment {segment}; stream {stream} has segments 0..{stream.SegmentCount - 1} (all epochs)");
        if (offset < stream.Heads()[segment])
            throw new StoreException(StoreError.NotFound, $"the event at {pointer} was removed by retention or truncation");
        // Bounded before anything is allocated: no event is larger than the event limit, and offset + size never overflows.
        if (size > SegmentRecord.FrameSizeOf(store.Options.MaxEventBytes))
            throw new StoreException(StoreError.InvalidArgument,
                $"event_pointer ({pointer}) announces {size} bytes, more than the largest event (--max-event-bytes {store.Options.MaxEventBytes})");
        var file = stream.Segments[segment];
        if (offset > file.End - size)
            throw file.WrongLength(offset, size) ?? new StoreException(StoreError.InvalidArgument, $"event_pointer ({pointer}) is beyond the tail of segment {segment}");
        var record = file.ReadRecord(offset, size);
        return Task.FromResult(new FetchEventResponse { Event = UnsafeByteOperations.UnsafeWrap(record.Event) });
    }

    /// <summary>From (default head, never before it) and optional end offsets, checked against the stream's bounds.</summary>
    private static (long[] From, long[]? To) Range(StreamStore stream, StreamCut? fromCut, StreamCut? toCut)
    {
        // One view of the epochs for both cuts; head and tail taken after it hold at least its segments.
        var shape = stream.Current;
        var heads = stream.Heads();
        var tails = stream.Tails();
        var from = StreamCutCodec.Decode(stream, shape, fromCut, "from_stream_cut") ?? heads[..shape.Segments.Length];
        var to = StreamCutCodec.Decode(stream, shape, toCut, "to_stream_cut");
        for (var s = 0; s < from.Length; s++)
        {
            from[s] = Math.Max(from[s], heads[s]);
            if (from[s] > tails[s])
                throw new StoreException(StoreError.InvalidArgument, $"from_stream_cut offset {from[s]} of segment {s} is beyond the tail ({tails[s]})");
            if (to is null) continue;
            if (to[s] > tails[s])
                throw new StoreException(StoreError.InvalidArgument, $"to_stream_cut offset {to[s]} of segment {s} is beyond the tail ({tails[s]})");
            if (to[s] < from[s] && to[s] >= heads[s])
                throw new StoreException(StoreError.InvalidArgument, $"to_stream_cut is before from_stream_cut in segment {s} ({to[s]} < {from[s]})");
            to[s] = Math.Max(to[s], from[s]);
        }
        return (from, to);
    }
}
