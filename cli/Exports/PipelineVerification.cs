using Azure.Storage.Blobs;
using SensorStream.Cli.Reading;
using SensorStream.Streams.Client;
using SensorStream.Streams.Naming;
using SensorStream.Streams.Verification;

namespace SensorStream.Cli.Exports;

/// <summary>Audits of every stage: the gateway stream, and the CSV and Parquet exports of it.</summary>
public sealed record PipelineAudit(SequenceAudit Stream, long Events, long Undecodable, SequenceAudit Csv, int CsvFiles, SequenceAudit Parquet, int ParquetFiles)
{
    /// <summary>What this run added: samples sampled at or after its start, per sensor (empty when no start was given).</summary>
    public IReadOnlyDictionary<string, long> RunSamples { get; init; } = new Dictionary<string, long>();

    /// <summary>Events holding at least one sample of this run.</summary>
    public long RunEvents { get; init; }

    /// <summary>Both exports hold exactly the stream's samples.</summary>
    public bool ExportsComplete => Csv.SameSamplesAs(Stream) && Parquet.SameSamplesAs(Stream);

    public bool Clean => Stream.Samples > 0 && Stream.Clean && Undecodable == 0 && Csv.Clean && Parquet.Clean && ExportsComplete;

    public long Gaps => Stream.Gaps + Csv.Gaps + Parquet.Gaps;

    public long Duplicates => Stream.Duplicates + Csv.Duplicates + Parquet.Duplicates;
}

/// <summary>Reads the stream head to tail, then waits (bounded) until the exports hold every one of its samples.</summary>
public static class PipelineVerification
{
    /// <param name="runStartedUnixNanos">Samples timestamped at or after this (ns since the Unix epoch) count as this run's.</param>
    public static async Task<PipelineAudit> RunAsync(GatewayClient gateway, BlobServiceClient blobs, StreamName stream, TimeSpan exportWait,
        Func<bool> cloudAlive, CancellationToken ct, long runStartedUnixNanos = long.MaxValue)
    {
        var streamAudit = new SequenceAudit();
        long events = 0, undecodable = 0, runEvents = 0;
        var runSamples = new Dictionary<string, long>();
        await foreach (var e in StreamBatches.ReadAllAsync(gateway, stream, ct))
        {
            events++;
            if (e.Batch is not { } batch)
            {
                undecodable++;
                continue;
            }
            streamAudit.Add(batch.SensorId, batch.FirstSequence, batch.Count);
            var ofRun = batch.TimestampNanos.Count(t => t >= runStartedUnixNanos);
            if (ofRun == 0) continue;
            runEvents++;
            runSamples[batch.SensorId] = runSamples.GetValueOrDefault(batch.SensorId) + ofRun;
        }
        var deadline = DateTime.UtcNow + exportWait;
        while (true)
        {
            var csv = await ExportAudit.AuditAsync(blobs, "csv", stream, ct);
            var parquet = await ExportAudit.AuditAsync(blobs, "parquet", stream, ct);
            var audit = new PipelineAudit(streamAudit, events, undecodable, csv.Audit, csv.Files, parquet.Audit, parquet.Files)
            {
                RunSamples = runSamples,
                RunEvents = runEvents,
            };
            if (audit.ExportsComplete || DateTime.UtcNow > deadline || !cloudAlive()) return audit;
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
        }
    }
}
