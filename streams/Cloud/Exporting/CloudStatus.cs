using SensorStream.Streams.BlobStreams;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;

namespace SensorStream.Streams.Exporting;

/// <summary>Reads <see cref="StreamStatus"/> of streams from the gateway (optional), the blob stream and the export checkpoint.</summary>
public sealed class CloudStatus(BlobStreamStore streams, Exporter exporter, GatewayClient? source)
{
    public async Task<StreamStatus> GetAsync(StreamName stream, CancellationToken ct = default)
    {
        var blob = await streams.OpenAsync(stream, ct).ConfigureAwait(false);
        var last = await blob.FindLastAsync(ct).ConfigureAwait(false);
        var export = (await exporter.Checkpoint(stream).ReadAsync(new ExportCheckpoint(), ct).ConfigureAwait(false)).Value;
        Protocol.StreamCut? tail = null;
        string? error = null;
        if (source is not null)
        {
            try
            {
                tail = (await source.GetStreamInfoAsync(stream, ct).ConfigureAwait(false)).Tail;
            }
            catch (Exception e) when (e is Grpc.Core.RpcException or HttpRequestException)
            {
                error = e.Message;
            }
        }
        var lag = StreamCutCodec.LagBytes(tail, last?.EndCut);
        return new StreamStatus
        {
            Stream = stream.ToString(),
            SourceTail = StreamStatus.Text(tail),
            SourceError = error,
            LastChunk = last?.Seq ?? -1,
            MirroredEvents = last?.NextEvent ?? 0,
            MirroredCut = StreamStatus.Text(last?.EndCut),
            // With nothing mirrored yet, only an empty source (zero offsets) counts as caught up.
            MirrorCaughtUp = tail is null ? null : last is null ? lag == 0 : StreamCutCodec.SamePosition(last.EndCut, tail),
            MirrorLagBytes = lag,
            ExportedChunks = export.NextChunk,
            ExportedEvents = export.EventsExported,
            ExportedRows = export.RowsExported,
            DeadLettered = export.DeadLettered,
            ExportPending = export.Pending,
        };
    }
}
