using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using SensorStream.Streams.BlobStreams;
using SensorStream.Streams.Events;
using SensorStream.Streams.Mirroring;
using SensorStream.Streams.Naming;

namespace SensorStream.Streams.Exporting;

/// <summary>
/// Blob stream → CSV and Parquet files, one table per sensor kind, exactly once. One step: (1) read the checkpoint;
/// (2) plan a chunk range and the table versions it needs (<see cref="SchemaEvolution"/>) and record both as pending
/// (ETag) — or take the pending range an earlier attempt recorded; (3) quarantine undecodable events, write each
/// table version's schema record and every file of the range create-only under names derived from the range and the
/// table version; (4) mark the range done (ETag).
/// A crash anywhere leaves either nothing recorded (re-planned from the same position) or a pending range whose
/// files are written again under the same names (409 = already there), so each row lands in exactly one file per format.
/// </summary>
public sealed class Exporter
{
    public static class Points
    {
        public const string AfterReadCheckpoint = "export.after-read-checkpoint";
        public const string AfterRecordPlan = "export.after-record-plan";
        public const string AfterDeadLetters = "export.after-dead-letters";
        public const string AfterFile = "export.after-file";
        public const string BeforeDone = "export.before-done";
    }

    private readonly BlobStreamStore _streams;
    private readonly ContainerGate _exports;
    private readonly ContainerGate _checkpoints;
    private readonly DeadLetters _deadLetters;
    private readonly ExportOptions _options;
    private readonly ExportPlanner _planner;

    public Exporter(BlobStreamStore streams, ExportOptions options)
    {
        _streams = streams;
        _options = options;
        _planner = new ExportPlanner(options);
        _exports = new ContainerGate(streams.Service.GetBlobContainerClient(ExportLayout.Container));
        _checkpoints = new ContainerGate(streams.Service.GetBlobContainerClient(ExportLayout.CheckpointContainer));
        _deadLetters = new DeadLetters(_exports);
    }

    public CheckpointBlob<ExportCheckpoint> Checkpoint(StreamName stream) => new(_checkpoints, ExportLayout.CheckpointName(stream));

    /// <param name="stream">The stream whose blob copy to export.</param>
    /// <param name="flushNow">Export what is buffered without waiting for the roll or idle-flush time (a manual trigger).</param>
    /// <param name="ct">Cancels the step; a cancelled step is like a crash: the next one finishes or redoes it.</param>
    public async Task<StepResult> StepAsync(StreamName stream, bool flushNow = false, CancellationToken ct = default)
    {
        var blob = await _streams.OpenAsync(stream, ct).ConfigureAwait(false);
        var checkpoint = Checkpoint(stream);
        var read = await checkpoint.ReadAsync(new ExportCheckpoint(), ct).ConfigureAwait(false);
        _options.Probe?.Invoke(Points.AfterReadCheckpoint);

        if (read.Value.Pending is { } pending)
        {
            var chunks = await ReadRangeAsync(blob, pending, ct).ConfigureAwait(false);
            return await WriteAndFinishAsync(stream, checkpoint, read, pending, chunks, more: true, [], ct).ConfigureAwait(false);
        }

        var (taken, full) = await GatherAsync(blob, read.Value.NextChunk, ct).ConfigureAwait(false);
        var plan = _planner.Decide(taken.Select(c => c.Summary).ToList(), full, _options.Clock.GetUtcNow(), flushNow);
        if (plan.Decision != PlanDecision.Export) return StepResult.Idle(plan.Reason);
        var range = new ExportRange(taken[0].Info.Seq, taken[^1].Info.Seq, plan.Reason);
        var (tables, notes) = SchemaEvolution.Plan(read.Value.Tables, taken.SelectMany(c => c.Batches), range.FromChunk);
        var recorded = await checkpoint.TryReplaceAsync(read, read.Value with { Pending = range, Tables = tables }, ct).ConfigureAwait(false);
        if (recorded is null) return StepResult.Lost("another exporter recorded a plan first");
        _options.Probe?.Invoke(Points.AfterRecordPlan);
        return await WriteAndFinishAsync(stream, checkpoint, recorded, range, taken, full, notes, ct).ConfigureAwait(false);
    }

    /// <summary>Consecutive chunks from <paramref name="next"/> that fit one file, and whether one more exists that did not fit.</summary>
    private async Task<(List<ParsedChunk> Taken, bool Full)> GatherAsync(BlobStream blob, long next, CancellationToken ct)
    {
        var taken = new List<ParsedChunk>();
        var summaries = new List<ChunkSummary>();
        for (var seq = next; ; seq++)
        {
            if (summaries.Count >= _options.MaxChunksPerFile) return (taken, true);
            var chunk = await blob.ReadChunkAsync(seq, ct).ConfigureAwait(false);
            if (chunk is null) return (taken, false);
            var parsed = ParsedChunk.Parse(chunk);
            if (!_planner.Fits(summaries, parsed.Summary)) return (taken, true);
            taken.Add(parsed);
            summaries.Add(parsed.Summary);
        }
    }

    private static async Task<List<ParsedChunk>> ReadRangeAsync(BlobStream blob, ExportRange range, CancellationToken ct)
    {
        var chunks = new List<ParsedChunk>();
        for (var seq = range.FromChunk; seq <= range.ToChunk; seq++)
        {
            var chunk = await blob.ReadChunkAsync(seq, ct).ConfigureAwait(false)
                        ?? throw new InvalidDataException($"chunk {seq} of the pending export range {range.FromChunk}..{range.ToChunk} of {blob.Name} is missing");
            chunks.Add(ParsedChunk.Parse(chunk));
        }
        return chunks;
    }

    private async Task<StepResult> WriteAndFinishAsync(StreamName stream, CheckpointBlob<ExportCheckpoint> checkpoint,
        Versioned<ExportCheckpoint> recorded, ExportRange range, List<ParsedChunk> chunks, bool more, IReadOnlyList<string> notes, CancellationToken ct)
    {
        var batches = chunks.SelectMany(c => c.Batches).ToList();
        // The recorded tables already cover the range (planning again changes nothing); a range recorded by an
        // exporter that kept no tables is planned here, the same way on every attempt.
        var tables = SchemaEvolution.Plan(recorded.Value.Tables, batches, range.FromChunk).Tables;
        var bad = chunks.SelectMany(c => c.Bad).ToList();
        foreach (var b in bad) await _deadLetters.WriteAsync(stream, b, ct).ConfigureAwait(false);
        _options.Probe?.Invoke(Points.AfterDeadLetters);

        var files = 0;
        var rows = 0L;
        foreach (var group in batches.GroupBy(EventSchemas.TableOf))
        {
            var schema = tables.Single(t => t.Table == group.Key);
            var schemaJson = JsonSerializer.Serialize(schema, SchemaJson);
            await CreateOnceAsync(ExportLayout.SchemaName(stream, schema), BinaryData.FromString(schemaJson), "application/json", ct).ConfigureAwait(false);
            var table = ExportTableBuilder.Build(schema, group.ToList());
            rows += table.RowCount;
            foreach (var (hour, part) in table.ByHour())
            {
                foreach (var format in _options.Formats)
                {
                    await WriteFileAsync(ExportLayout.FileName(format, stream, schema, hour, range.FromChunk, range.ToChunk), format, part, schemaJson, ct).ConfigureAwait(false);
                    files++;
                    _options.Probe?.Invoke(Points.AfterFile);
                }
            }
        }
        _options.Probe?.Invoke(Points.BeforeDone);

        var events = chunks.Sum(c => (long)c.Info.EventCount);
        var done = await checkpoint.TryReplaceAsync(recorded, recorded.Value with
        {
            NextChunk = range.ToChunk + 1,
            Pending = null,
            EventsExported = recorded.Value.EventsExported + events,
            RowsExported = recorded.Value.RowsExported + rows,
            FilesWritten = recorded.Value.FilesWritten + files,
            DeadLettered = recorded.Value.DeadLettered + bad.Count,
            Tables = tables,
        }, ct).ConfigureAwait(false);
        if (done is null) return StepResult.Lost("another exporter finished the range first");
        var schemaNotes = notes.Count == 0 ? "" : "; schema: " + string.Join("; ", notes);
        return new StepResult(StepOutcome.Progress, events, chunks.Sum(c => c.Info.ContentLength), more,
            $"chunks {range.FromChunk}..{range.ToChunk}: {rows} rows in {files} files, {bad.Count} dead-lettered ({range.Reason}){schemaNotes}");
    }

    private static readonly JsonSerializerOptions SchemaJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private async Task WriteFileAsync(string name, ExportFormat format, ExportTable rows, string schemaJson, CancellationToken ct)
    {
        using var content = new MemoryStream();
        if (format == ExportFormat.Csv) await CsvExportWriter.WriteAsync(rows, content, _options.Csv, ct).ConfigureAwait(false);
        else await ParquetExportWriter.WriteAsync(rows, content, _options.TargetRowGroupBytes, schemaJson, ct).ConfigureAwait(false);
        content.Position = 0;
        await CreateOnceAsync(name, BinaryData.FromStream(content), format == ExportFormat.Csv ? "text/csv" : "application/vnd.apache.parquet", ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Uploads create-only. 409 means an earlier attempt at this very range wrote it: same rows (or schema), same
    /// name — keep that one.
    /// </summary>
    private async Task CreateOnceAsync(string name, BinaryData content, string contentType, CancellationToken ct)
    {
        var container = await _exports.ReadyAsync(ct).ConfigureAwait(false);
        try
        {
            await container.GetBlobClient(name).UploadAsync(content, new BlobUploadOptions
            {
                Conditions = BlobConditions.CreateOnly,
                HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
            }, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (BlobConditions.LostRace(e))
        {
        }
    }
}
