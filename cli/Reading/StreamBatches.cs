using System.Runtime.CompilerServices;
using SensorStream.Streams.Client;
using SensorStream.Streams.Events;
using SensorStream.Streams.Naming;

namespace SensorStream.Cli.Reading;

/// <summary>A decoded event, or the reason it could not be decoded.</summary>
public sealed record DecodedEvent(SampleBatch? Batch, string? Error, StreamEvent Source);

/// <summary>Reads a gateway stream from head to its current tail and decodes each event.</summary>
public static class StreamBatches
{
    public static async IAsyncEnumerable<DecodedEvent> ReadAllAsync(GatewayClient client, StreamName stream,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var e in client.ReadRangeAsync(stream, ct: ct)) yield return Decode(e);
    }

    public static DecodedEvent Decode(StreamEvent e)
    {
        try
        {
            return new DecodedEvent(SampleBatchJson.Deserialize(e.Data.Span), null, e);
        }
        catch (FormatException ex)
        {
            return new DecodedEvent(null, ex.Message, e);
        }
    }
}
