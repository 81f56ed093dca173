using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using SensorStream.Cli.Exports;
using SensorStream.Streams.BlobStreams;
using SensorStream.Streams.Client;
using SensorStream.Streams.Exporting;
using SensorStream.Streams.Monitoring;
using SensorStream.Streams.Naming;

namespace SensorStream.Cli.Monitoring;

/// <summary>The numbers the live view and `status` show, gathered from each component; a part that cannot be read is null.</summary>
public sealed record PipelineSnapshot(
    DateTimeOffset At,
    IReadOnlyList<MetricSample>? EdgeMetrics,
    long? StreamTailBytes,
    long? StreamHeadBytes,
    string? StreamSegments,
    int? CsvFiles,
    int? ParquetFiles,
    IReadOnlyDictionary<string, SensorProgress> StreamSensors,
    StreamStatus? Cloud,
    IReadOnlyDictionary<string, string> Errors)
{
    public static async Task<PipelineSnapshot> CollectAsync(GatewayClient gateway, StreamName stream, BlobServiceClient? blobs,
        int? metricsPort, HttpClient http, CancellationToken ct, StreamWatcher? watcher = null)
    {
        var errors = new Dictionary<string, string>();
        IReadOnlyList<MetricSample>? metrics = null;
        long? tail = null, head = null;
        string? segments = null;
        int? csv = null, parquet = null;
        StreamStatus? cloud = null;
        if (metricsPort is { } port)
        {
            // "localhost", not 127.0.0.1: the collector's HTTP listener matches the host name it was bound to.
            try { metrics = PrometheusText.Parse(await http.GetStringAsync($"http://localhost:{port}/metrics", ct)); }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { errors["edge"] = e.Message; }
        }
        try
        {
            var info = await gateway.GetStreamInfoAsync(stream, ct);
            // Byte totals over every epoch from our gateway; a cut's offsets only cover the segments it names (the public gateway).
            tail = info.Scaling?.TailBytes ?? info.Tail.Cut.Values.Sum();
            head = info.Scaling?.HeadBytes ?? info.Head.Cut.Values.Sum();
            segments = info.Scaling is { } scaling ? StreamScalingText.Describe(scaling) : null;
        }
        catch (Grpc.Core.RpcException e) { errors["gateway"] = e.Status.Detail; }
        if (blobs is not null)
        {
            try
            {
                csv = await CountAsync(blobs, "csv", stream, ct);
                parquet = await CountAsync(blobs, "parquet", stream, ct);
                // Mirrored and exported positions as the cloud jobs record them (chunk blobs and the export checkpoint).
                var store = new BlobStreamStore(blobs);
                cloud = await new CloudStatus(store, new Exporter(store, new ExportOptions()), gateway).GetAsync(stream, ct);
            }
            catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or AggregateException)
            {
                errors["storage"] = CliErrors.StorageProblem(e, blobs.Uri);
            }
        }
        var sensors = watcher?.Sensors.ToDictionary() ?? new Dictionary<string, SensorProgress>();
        return new PipelineSnapshot(DateTimeOffset.UtcNow, metrics, tail, head, segments, csv, parquet, sensors, cloud, errors);
    }

    /// <summary>Exported data files of <paramref name="format"/> (names ending in .csv / .parquet; not the markers, manifests or _schema.json).</summary>
    private static async Task<int> CountAsync(BlobServiceClient blobs, string format, StreamName stream, CancellationToken ct)
    {
        var container = blobs.GetBlobContainerClient(ExportAudit.Container);
        if (!await container.ExistsAsync(ct)) return 0;
        var n = 0;
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, ExportAudit.Prefix(format, stream), ct))
            if (blob.Name.EndsWith("." + format, StringComparison.Ordinal)) n++;
        return n;
    }

    /// <summary>A collector metric (null when the collector is not exposing it).</summary>
    public double? Edge(MetricInstrument instrument) => EdgeMetricLookup.Find(EdgeMetrics, instrument);
}
