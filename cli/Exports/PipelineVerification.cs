using Azure.Storage.Blobs;
using SensorStream.Cli.Reading;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Streams.Verification;

namespace SensorStream.Cli.Exports;

/// <summary>Audits of every stage: the gateway stream, and the CSV and Parquet exports of it.</summary>
public sealed record PipelineAudit(SequenceAudit Stream, long Events, long Undecodable, SequenceAudit Csv, int CsvFiles, SequenceAudit Parquet, int ParquetFiles)
{
    /// <summary>Both exports hold exactly the stream's samples.</summary>
    public bool ExportsComplete => Csv.SameSamplesAs(Stream) && Parquet.SameSamplesAs(Stream);

    public bool Clean => Stream.Samples > 0 && Stream.Clean && Undecodable == 0 && Csv.Clean && Parquet.Clean && ExportsComplete;

    public long Gaps => Stream.Gaps + Csv.Gaps + Parquet.Gaps;

    public long Duplicates => Stream.Duplicates + Csv.Duplicates + Parquet.Duplicates;
}

/// <summary>Reads the stream head to tail, then waits (bounded) until the exports hold every one of its samples.</summary>
public static class PipelineVerification
{
    public static async Task<PipelineAudit> RunAsync(GatewayClient gateway, BlobServiceClient blobs, StreamName stream, TimeSpan exportWait,
        Func<bool> cloudAlive, CancellationToken ct)
    {
        var streamAudit = new SequenceAudit();
        long events = 0, undecodable = 0;
        await foreach (var e in StreamBatches.ReadAllAsync(gateway, stream, ct))
        {
            events++;
            if (e.Batch is null) undecodable++;
            else streamAudit.Add(e.Batch.SensorId, e.Batch.FirstSequence, e.Batch.Count);
        }
        var deadline = DateTime.UtcNow + exportWait;
        while (true)
        {
            var csv = await ExportAudit.AuditAsync(blobs, "csv", stream, ct);
            var parquet = await ExportAudit.AuditAsync(blobs, "parquet", stream, ct);
            var audit = new PipelineAudit(streamAudit, events, undecodable, csv.Audit, csv.Files, parquet.Audit, parquet.Files);
            if (audit.ExportsComplete || DateTime.UtcNow > deadline || !cloudAlive()) return audit;
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
        }
    }
}
