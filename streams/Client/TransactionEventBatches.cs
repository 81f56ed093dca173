using Google.Protobuf;
using SensorStream.Streams.Protocol;

namespace SensorStream.Streams.Client;

/// <summary>
/// Client-side batching of a transaction's events (as Pravega's client batches appends): consecutive events go into one
/// <see cref="WriteTransactionEventsRequest"/> message (its repeated <c>events</c>) until it holds
/// <see cref="MaxBatchBytes"/> of event data or <see cref="MaxBatchEvents"/> events, so a write costs one gRPC message
/// per batch instead of one per event. Event bytes are wrapped, not copied. An event larger than the byte bound goes
/// alone in its batch. Bounded by size only: <see cref="GatewayClient.WriteTransactionEventsAsync"/> is given all its
/// events at once, so there is nothing to wait for.
/// </summary>
public static class TransactionEventBatches
{
    /// <summary>Most event bytes per message (the gateway's message limit is larger: 8 MiB events plus framing).</summary>
    public const int MaxBatchBytes = 1024 * 1024;

    /// <summary>Most events per message.</summary>
    public const int MaxBatchEvents = 1024;

    /// <summary>The events in messages of at most <see cref="MaxBatchBytes"/> / <see cref="MaxBatchEvents"/> (scope, stream and txn left empty).</summary>
    public static IEnumerable<WriteTransactionEventsRequest> Of(IEnumerable<OutgoingEvent> events)
    {
        var batch = new WriteTransactionEventsRequest();
        long bytes = 0;
        foreach (var e in events)
        {
            if (batch.Events.Count > 0 && (bytes + e.Data.Length > MaxBatchBytes || batch.Events.Count == MaxBatchEvents))
            {
                yield return batch;
                batch = new WriteTransactionEventsRequest();
                bytes = 0;
            }
            batch.Events.Add(new TransactionEvent { RoutingKey = e.RoutingKey, Event = UnsafeByteOperations.UnsafeWrap(e.Data) });
            bytes += e.Data.Length;
        }
        if (batch.Events.Count > 0) yield return batch;
    }
}
