using Azure.Storage.Blobs;
using SensorStream.Cli.Reading;
using SensorStream.Streams.Client;
using SensorStream.Streams.Protocol;
using SensorStream.Streams.Naming;
using SensorStream.Streams.Verification;

namespace SensorStream.Cli.Exports;

/// <summary>Audits of every stage: the gateway stream, and the CSV and Parquet exports of it.</summary>
public sealed record PipelineAudit(SequenceAudit Stream, long Events, long Undecodable, SequenceAudit Csv, int CsvFiles, SequenceAudit Parquet, int ParquetFiles)
{
    /// <summary>Samples committed during this run (in events after the stream cut taken at its start), per sensor; empty when no cut was given.</summary>
    public IReadOnlyDictionary<string, long> RunSamples { get; init; } = new Dictionary<string, long>();

    /// <summary>Events committed during this run.</summary>
    public long RunEvents { get; init; }

    /// <summary>Both exports hold exactly the stream's samples.</summary>
    public bool ExportsComplete => Csv.SameSamplesAs(Stream) && Parquet.SameSamplesAs(Stream);

    public bool Clean => Stream.Samples > 0 && Stream.Clean && Undecodable == 0 && Csv.Clean && Parquet.Clean && ExportsComplete;

    /// <summary>Missing samples summed over the three stages (a sample missing from the stream is usually missing from both exports too).</summary>
    public long MissingSamples => Stream.MissingSamples + Csv.MissingSamples + Parquet.MissingSamples;

    /// <summary>Duplicate samples summed over the three stages.</summary>
    public long Duplicates => Stream.Duplicates + Csv.Duplicates + Parquet.Duplicates;
}

/// <summary>Reads the stream head to tail, then waits (bounded) until the exports hold every one of its samples.</summary>
public static class PipelineVerification
{
    /// <param name="runStart">
    /// The stream's tail when this run started: every sample in the events after it counts as this run's (committed
    /// during it), whatever its timestamp; null = no per-run numbers.
    /// </param>
    public static async Task<PipelineAudit> RunAsync(GatewayClient gateway, BlobServiceClient blobs, StreamName stream, TimeSpan exportWait,
        Func<bool> cloudAlive, CancellationToken ct, StreamCut? runStart = null)
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
        }
        if (runStart is not null)
        {
            await foreach (var e in gateway.ReadRangeAsync(stream, from: runStart, ct: ct))
            {
                runEvents++;
                if (StreamBatches.Decode(e).Batch is { } batch)
                    runSamples[batch.SensorId] = runSamples.GetValueOrDefault(batch.SensorId) + batch.Count;
            }
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
