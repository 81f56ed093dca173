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
/// Completeness (see functions/README.md): once the watermark the mirror carried (<see cref="CloudWatermark"/>) has passed
/// the end of an hour and the export has read every chunk the watermark needs, a step writes the markers of every open
/// partition of that hour (<see cref="CompletenessMarkers"/>) and records the hour as complete. Rows of a complete hour
/// exported later go into <c>late-…</c> files, each followed by a new manifest version of its partition, and are
/// counted (<see cref="ExportCheckpoint.LateRows"/>) and named in the step's result.
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
    private readonly CompletenessMarkers _markers;

    /// <summary>Most partitions waiting for their marker that one checkpoint keeps (a stream without watermarks would otherwise grow it forever).</summary>
    public const int MaxOpenPartitions = 10_000;

    private const long NanosPerHour = 3_600_000_000_000;

    public Exporter(BlobStreamStore streams, ExportOptions options)
    {
        _streams = streams;
        _options = options;
        _planner = new ExportPlanner(options);
        _exports = new ContainerGate(streams.Service.GetBlobContainerClient(ExportLayout.Container));
        _checkpoints = new ContainerGate(streams.Service.GetBlobContainerClient(ExportLayout.CheckpointContainer));
        _deadLetters = new DeadLetters(_exports);
        _markers = new CompletenessMarkers(_exports);
    }

    /// <summary>Reads and writes the completeness markers of partition folders.</summary>
    public CompletenessMarkers Markers => _markers;

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

        var watermark = (await blob.Watermark.ReadAsync(new CloudWatermark(), ct).ConfigureAwait(false)).Value;
        if (await MarkCompleteHoursAsync(stream, checkpoint, read, watermark, ct).ConfigureAwait(false) is { } marked) return marked;

        var (taken, full) = await GatherAsync(blob, read.Value.NextChunk, ct).ConfigureAwait(false);
        // The watermark closed an hour whose rows are still buffered: export them now, not at the roll or idle-flush time.
        var closesHour = watermark.Chunk >= read.Value.NextChunk && CompleteBeforeOf(watermark) > read.Value.CompleteBefore;
        var plan = _planner.Decide(taken.Select(c => c.Summary).ToList(), full, _options.Clock.GetUtcNow(), flushNow || closesHour);
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
        if (_options.MaxChunksPerFile <= 0) return (taken, true);
        await foreach (var parsed in ChunkReadAhead.ReadAsync(blob, next, next + _options.MaxChunksPerFile - 1, ChunkReadAhead.DefaultDepth, ct).ConfigureAwait(false))
        {
            if (!_planner.Fits(summaries, parsed.Summary)) return (taken, true);
            taken.Add(parsed);
            summaries.Add(parsed.Summary);
        }
        return (taken, taken.Count >= _options.MaxChunksPerFile);
    }

    private static async Task<List<ParsedChunk>> ReadRangeAsync(BlobStream blob, ExportRange range, CancellationToken ct)
    {
        var chunks = new List<ParsedChunk>();
        await foreach (var parsed in ChunkReadAhead.ReadAsync(blob, range.FromChunk, range.ToChunk, ChunkReadAhead.DefaultDepth, ct).ConfigureAwait(false))
            chunks.Add(parsed);
        var missing = range.FromChunk + chunks.Count;
        if (missing <= range.ToChunk)
            throw new InvalidDataException($"chunk {missing} of the pending export range {range.FromChunk}..{range.ToChunk} of {blob.Name} is missing");
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
        var lateRows = 0L;
        var opened = new List<OpenPartition>();
        var late = new List<OpenPartition>();
        // Stable while the range is pending (hours are marked complete only between ranges), so every attempt names the same files.
        var completeBefore = recorded.Value.CompleteBefore;
        foreach (var group in batches.GroupBy(EventSchemas.TableOf))
        {
            var schema = tables.Single(t => t.Table == group.Key);
            var schemaJson = JsonSerializer.Serialize(schema, SchemaJson);
            await CreateOnceAsync(ExportLayout.SchemaName(stream, schema), BinaryData.FromString(schemaJson), "application/json", null, ct).ConfigureAwait(false);
            var table = ExportTableBuilder.Build(schema, group.ToList());
            rows += table.RowCount;
            foreach (var (hour, part) in table.ByHour())
            {
                var partition = new OpenPartition(schema.Table, schema.Version, hour);
                var isLate = partition.EndNanos <= completeBefore;
                if (isLate)
                {
                    late.Add(partition);
                    lateRows += part.RowCount;
                }
                else opened.Add(partition);
                foreach (var format in _options.Formats)
                {
                    await WriteFileAsync(ExportLayout.FileName(format, stream, schema, hour, range.FromChunk, range.ToChunk, isLate), format, part, schemaJson, ct).ConfigureAwait(false);
                    files++;
                    _options.Probe?.Invoke(Points.AfterFile);
                }
            }
        }
        if (late.Count > 0)
        {
            // A complete partition never changes silently: its late file comes with a new manifest version listing it.
            var watermark = (await (await _streams.OpenAsync(stream, ct).ConfigureAwait(false)).Watermark.ReadAsync(new CloudWatermark(), ct).ConfigureAwait(false)).Value;
            foreach (var partition in late)
            foreach (var format in _options.Formats)
                await _markers.EnsureAsync(ExportLayout.PartitionPrefix(format, stream, partition), format, partition, watermark, ct).ConfigureAwait(false);
        }
        _options.Probe?.Invoke(Points.BeforeDone);
        var (open, untracked) = Track(recorded.Value.OpenPartitions, opened);

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
            OpenPartitions = open,
            UntrackedPartitions = recorded.Value.UntrackedPartitions + untracked,
            LateRows = recorded.Value.LateRows + lateRows,
        }, ct).ConfigureAwait(false);
        if (done is null) return StepResult.Lost("another exporter finished the range first");
        var schemaNotes = notes.Count == 0 ? "" : "; schema: " + string.Join("; ", notes);
        var lateNotes = lateRows == 0 ? "" :
            $"; LATE: {lateRows} rows of already complete hours into late files with new manifest versions in {string.Join(", ", late.Select(p => $"{p.Folder} {p.Hour:yyyy-MM-dd HH}h"))}";
        return new StepResult(StepOutcome.Progress, events, chunks.Sum(c => c.Info.ContentLength), more,
            $"chunks {range.FromChunk}..{range.ToChunk}: {rows} rows in {files} files, {bad.Count} dead-lettered ({range.Reason}){schemaNotes}{lateNotes}");
    }

    /// <summary>
    /// Writes the markers of every open partition whose hour the watermark has passed — once the export has read every
    /// chunk the watermark needs — and records those hours as complete. Null when nothing is due.
    /// </summary>
    private async Task<StepResult?> MarkCompleteHoursAsync(StreamName stream, CheckpointBlob<ExportCheckpoint> checkpoint,
        Versioned<ExportCheckpoint> read, CloudWatermark watermark, CancellationToken ct)
    {
        var state = read.Value;
        var before = CompleteBeforeOf(watermark);
        if (before <= state.CompleteBefore || state.NextChunk <= watermark.Chunk) return null;
        var due = state.OpenPartitions.Where(p => p.EndNanos <= before).ToList();
        foreach (var partition in due)
        foreach (var format in _options.Formats)
            await _markers.EnsureAsync(ExportLayout.PartitionPrefix(format, stream, partition), format, partition, watermark, ct).ConfigureAwait(false);
        var done = await checkpoint.TryReplaceAsync(read, state with
        {
            CompleteBefore = before,
            OpenPartitions = state.OpenPartitions.Where(p => p.EndNanos > before).ToList(),
            MarkedPartitions = state.MarkedPartitions + due.Count,
        }, ct).ConfigureAwait(false);
        if (done is null) return StepResult.Lost("another exporter recorded complete hours first");
        return new StepResult(StepOutcome.Progress, 0, 0, true,
            $"hours before {DateTime.UnixEpoch.AddTicks(before / 100):yyyy-MM-dd HH:mm}Z complete (watermark {watermark.LowerTimeUtc:O}): markers in {due.Count} partition(s)");
    }

    /// <summary>The start of the watermark's hour: every hour ending at or before it is complete.</summary>
    private static long CompleteBeforeOf(CloudWatermark watermark) => watermark.LowerTimeBound / NanosPerHour * NanosPerHour;

    /// <summary>The open partitions plus <paramref name="opened"/>, each once, bounded by <see cref="MaxOpenPartitions"/> (oldest hours dropped).</summary>
    private static (IReadOnlyList<OpenPartition> Open, long Dropped) Track(IReadOnlyList<OpenPartition> open, List<OpenPartition> opened)
    {
        var all = open.Concat(opened).Distinct().ToList();
        if (all.Count <= MaxOpenPartitions) return (all, 0);
        var dropped = all.Count - MaxOpenPartitions;
        return (all.OrderBy(p => p.Hour).Skip(dropped).ToList(), dropped);
    }

    private static readonly JsonSerializerOptions SchemaJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private async Task WriteFileAsync(string name, ExportFormat format, ExportTable rows, string schemaJson, CancellationToken ct)
    {
        using var content = new MemoryStream();
        if (format == ExportFormat.Csv) await CsvExportWriter.WriteAsync(rows, content, _options.Csv, ct).ConfigureAwait(false);
        else await ParquetExportWriter.WriteAsync(rows, content, _options.TargetRowGroupBytes, schemaJson, ct).ConfigureAwait(false);
        content.Position = 0;
        await CreateOnceAsync(name, BinaryData.FromStream(content), format == ExportFormat.Csv ? "text/csv" : "application/vnd.apache.parquet",
            new Dictionary<string, string> { [CompletenessMarkers.RowsKey] = rows.RowCount.ToString(System.Globalization.CultureInfo.InvariantCulture) }, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Uploads create-only. 409 means an earlier attempt at this very range wrote it: same rows (or schema), same
    /// name — keep that one.
    /// </summary>
    private async Task CreateOnceAsync(string name, BinaryData content, string contentType, IDictionary<string, string>? metadata, CancellationToken ct)
    {
        var container = await _exports.ReadyAsync(ct).ConfigureAwait(false);
        try
        {
            await container.GetBlobClient(name).UploadAsync(content, new BlobUploadOptions
            {
                Conditions = BlobConditions.CreateOnly,
                HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
                Metadata = metadata,
            }, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (BlobConditions.LostRace(e))
        {
        }
    }
}
