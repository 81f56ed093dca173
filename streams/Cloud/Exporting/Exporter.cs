using System.Collections.Concurrent;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using SensorStream.Streams.BlobStreams;
using SensorStream.Streams.Events;
using SensorStream.Streams.Mirroring;
using SensorStream.Streams.Naming;

namespace SensorStream.Streams.Exporting;

/// <summary>
/// Blob stream → CSV and Parquet files, one table per sensor kind, files sized by each table's rows, exactly once.
/// A step does the first of: (1) finish rolling parts recorded as rolling; (2) finish a recorded range; (3) when the
/// watermark closed an hour, roll that hour's open parts, then write its markers; (4) take the next range of chunks
/// (bounded, see <see cref="ExportPlanner.Fits"/>): record it as pending (ETag), plan its table versions event by event from the
/// tables recorded before it (<see cref="SchemaEvolution"/>: the same on every attempt), quarantine undecodable events, write the schema records, add each row to the open
/// part of its partition (<see cref="StagedPart"/>: where the rows are, not the rows), and mark the range done
/// together with the parts that must roll now; (5) roll the parts that are due by time or a requested flush.
/// Rolling a part: record it as rolling, read its chunks again, write its file per format (the formats at the same time) create-only as
/// <c>part-{first chunk}-{last chunk}</c>, record it as rolled. A crash anywhere leaves either nothing recorded or a
/// recorded pending range or rolling part, redone under the same names (409 = already there), so each row lands in
/// exactly one file per format. See <see cref="ExportPlanner"/> for when a part rolls.
/// Completeness (see functions/README.md): once the watermark the mirror carried (<see cref="CloudWatermark"/>) has passed
/// the end of an hour and the export has read every chunk the watermark needs, the hour's open parts roll, then a
/// step writes the markers of every partition of that hour (<see cref="CompletenessMarkers"/>) and records the hour
/// as complete. Rows of a complete hour exported later go straight into <c>late-…</c> files (one per range), each
/// followed by a new manifest version of its partition, and are counted (<see cref="ExportCheckpoint.LateRows"/>)
/// and named in the step's result.
/// </summary>
public sealed class Exporter
{
    public static class Points
    {
        public const string AfterReadCheckpoint = "export.after-read-checkpoint";
        public const string AfterRecordPlan = "export.after-record-plan";
        public const string AfterDeadLetters = "export.after-dead-letters";
        public const string AfterFile = "export.after-file";

        /// <summary>
        /// A file's writer has put its last byte into the upload (what remains: the last blocks staging, the create-only
        /// commit). Passed once per file from that format's own task — the formats are written at the same time, so a
        /// probe that acts on this point must be thread-safe.
        /// </summary>
        public const string AfterWrite = "export.after-write";
        public const string BeforeDone = "export.before-done";
        public const string AfterRecordRoll = "export.after-record-roll";
        public const string BeforeRollDone = "export.before-roll-done";
    }

    private readonly BlobStreamStore _streams;
    private readonly ContainerGate _exports;
    private readonly ContainerGate _checkpoints;
    private readonly DeadLetters _deadLetters;
    private readonly ExportOptions _options;
    private readonly ExportPlanner _planner;
    private readonly CompletenessMarkers _markers;

    /// <summary>Column-types blobs this exporter created or found (by name): later CSV files of the version skip the create-only upload.</summary>
    private readonly ConcurrentDictionary<string, bool> _csvColumnTypesWritten = new(StringComparer.Ordinal);

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
    /// <param name="flushNow">Roll every open part now, without waiting for its size, roll or idle-flush time (a manual trigger).</param>
    /// <param name="ct">Cancels the step; a cancelled step is like a crash: the next one finishes or redoes it.</param>
    public async Task<StepResult> StepAsync(StreamName stream, bool flushNow = false, CancellationToken ct = default)
    {
        var blob = await _streams.OpenAsync(stream, ct).ConfigureAwait(false);
        var checkpoint = Checkpoint(stream);
        var read = await checkpoint.ReadAsync(new ExportCheckpoint(), ct).ConfigureAwait(false);
        _options.Probe?.Invoke(Points.AfterReadCheckpoint);

        if (read.Value.Rolling.Count > 0)
        {
            var (rolled, detail) = await RollAsync(stream, blob, checkpoint, read, ct).ConfigureAwait(false);
            return rolled is null ? StepResult.Lost("another exporter rolled the parts first") : new StepResult(StepOutcome.Progress, 0, 0, true, detail);
        }
        if (read.Value.Pending is { } pending)
        {
            var chunks = await ReadRangeAsync(blob, pending, ct).ConfigureAwait(false);
            return await TakeRangeAsync(stream, blob, checkpoint, read, pending, chunks, more: true, [], flushNow, ct).ConfigureAwait(false);
        }

        var watermark = (await blob.Watermark.ReadAsync(new CloudWatermark(), ct).ConfigureAwait(false)).Value;
        var before = CompleteBeforeOf(watermark);
        if (before > read.Value.CompleteBefore && read.Value.NextChunk > watermark.Chunk)
        {
            // The watermark closed an hour and the export has read every chunk it needs: its open parts roll first,
            // then the hour gets its markers (so a marker's manifest lists every row of the hour).
            var closing = read.Value.Staged.Where(p => p.Partition.EndNanos <= before).ToList();
            if (closing.Count > 0) return await FreezeAndRollAsync(stream, blob, checkpoint, read, closing, _ => "hour complete", ct).ConfigureAwait(false);
            return await MarkCompleteHoursAsync(stream, checkpoint, read, watermark, before, ct).ConfigureAwait(false);
        }

        var (taken, full) = await GatherAsync(blob, read.Value.NextChunk, ct).ConfigureAwait(false);
        if (taken.Count > 0)
        {
            var range = new ExportRange(taken[0].Info.Seq, taken[^1].Info.Seq, full ? "step bound" : "new chunks");
            // The tables stay as they were until the range is done: every attempt plans it from them, the same way.
            var notes = SchemaEvolution.Plan(read.Value.Tables, taken.SelectMany(c => c.Positioned), EventSchemas.TableOf).Notes;
            var recorded = await checkpoint.TryReplaceAsync(read, read.Value with { Pending = range }, ct).ConfigureAwait(false);
            if (recorded is null) return StepResult.Lost("another exporter recorded a plan first");
            _options.Probe?.Invoke(Points.AfterRecordPlan);
            return await TakeRangeAsync(stream, blob, checkpoint, recorded, range, taken, full, notes, flushNow, ct).ConfigureAwait(false);
        }

        var now = _options.Clock.GetUtcNow();
        var due = read.Value.Staged.Where(p => flushNow || _planner.RollReason(p, now) is not null).ToList();
        if (due.Count > 0)
            return await FreezeAndRollAsync(stream, blob, checkpoint, read, due, p => _planner.RollReason(p, now) ?? "flush requested", ct).ConfigureAwait(false);
        var staged = read.Value.Staged;
        return StepResult.Idle(staged.Count == 0
            ? "no chunk to export"
            : $"{read.Value.StagedRows} rows in {staged.Count} open part(s); next roll in {_planner.NextRollIn(staged, now)!.Value.TotalSeconds:F0} s");
    }

    /// <summary>Consecutive chunks from <paramref name="next"/> that fit one step, and whether one more exists that did not fit.</summary>
    private async Task<(List<ParsedChunk> Taken, bool Full)> GatherAsync(BlobStream blob, long next, CancellationToken ct)
    {
        var taken = new List<ParsedChunk>();
        var summaries = new List<ChunkSummary>();
        if (_options.MaxChunksPerStep <= 0) return (taken, true);
        var last = next + _options.MaxChunksPerStep - 1;
        await foreach (var parsed in ChunkReadAhead.ReadAsync(blob, next, last, _options.MaxEventBytes, ChunkReadAhead.DefaultDepth, ct).ConfigureAwait(false))
        {
            if (!_planner.Fits(summaries, parsed.Summary)) return (taken, true);
            taken.Add(parsed);
            summaries.Add(parsed.Summary);
        }
        return (taken, taken.Count >= _options.MaxChunksPerStep);
    }

    private async Task<List<ParsedChunk>> ReadRangeAsync(BlobStream blob, ExportRange range, CancellationToken ct)
    {
        var chunks = new List<ParsedChunk>();
        await foreach (var parsed in ChunkReadAhead.ReadAsync(blob, range.FromChunk, range.ToChunk, _options.MaxEventBytes, ChunkReadAhead.DefaultDepth, ct).ConfigureAwait(false))
            chunks.Add(parsed);
        var missing = range.FromChunk + chunks.Count;
        if (missing <= range.ToChunk)
            throw new InvalidDataException($"chunk {missing} of the pending export range {range.FromChunk}..{range.ToChunk} of {blob.Name} is missing");
        return chunks;
    }

    /// <summary>
    /// The chunks of <paramref name="span"/> in order: those in <paramref name="inMemory"/> (consecutive chunks) taken
    /// from it, the rest read (<see cref="ReadRangeAsync"/>).
    /// </summary>
    private async Task<List<ParsedChunk>> ReadSpanAsync(BlobStream blob, ChunkSpan span, IReadOnlyList<ParsedChunk> inMemory, CancellationToken ct)
    {
        if (inMemory.Count == 0 || span.To < inMemory[0].Info.Seq || span.From > inMemory[^1].Info.Seq)
            return await ReadRangeAsync(blob, new ExportRange(span.From, span.To, "roll"), ct).ConfigureAwait(false);
        var (first, last) = (inMemory[0].Info.Seq, inMemory[^1].Info.Seq);
        var chunks = new List<ParsedChunk>();
        if (span.From < first) chunks.AddRange(await ReadRangeAsync(blob, new ExportRange(span.From, first - 1, "roll"), ct).ConfigureAwait(false));
        for (var seq = Math.Max(span.From, first); seq <= Math.Min(span.To, last); seq++) chunks.Add(inMemory[(int)(seq - first)]);
        if (span.To > last) chunks.AddRange(await ReadRangeAsync(blob, new ExportRange(last + 1, span.To, "roll"), ct).ConfigureAwait(false));
        return chunks;
    }

    /// <summary>
    /// Finishes a recorded range: dead letters, schema records, late files written; every other row added to the
    /// open part of its partition; the range marked done together with the parts that must roll now (full, or due
    /// by time), which are then rolled.
    /// </summary>
    private async Task<StepResult> TakeRangeAsync(StreamName stream, BlobStream blob, CheckpointBlob<ExportCheckpoint> checkpoint,
        Versioned<ExportCheckpoint> recorded, ExportRange range, List<ParsedChunk> chunks, bool more, IReadOnlyList<string> notes, bool flushNow, CancellationToken ct)
    {
        // Planned from the tables recorded with the range, the same way on every attempt. (A range recorded by an
        // earlier exporter came with the tables after it: planned again over them, every batch goes to its table's
        // newest version, as that exporter wrote it.)
        var plan = SchemaEvolution.Plan(recorded.Value.Tables, chunks.SelectMany(c => c.Positioned), EventSchemas.TableOf);
        var tables = plan.Tables;
        var batches = chunks.SelectMany(c => c.Batches).ToList();
        var bad = chunks.SelectMany(c => c.Bad).ToList();
        foreach (var b in bad) await _deadLetters.WriteAsync(stream, b, ct).ConfigureAwait(false);
        _options.Probe?.Invoke(Points.AfterDeadLetters);

        var lateFiles = 0;
        var lateRows = 0L;
        var stagedRows = 0L;
        var late = new List<OpenPartition>();
        var staged = recorded.Value.Staged.ToList();
        var rolling = new List<StagedPart>();
        var span = new ChunkSpan(range.FromChunk, range.ToChunk);
        var spanned = chunks.Sum(c => c.Info.ContentLength);
        var (first, last) = (chunks[0].Info.Created, chunks[^1].Info.Created);
        // Stable while the range is pending (hours are marked complete only between ranges), so every attempt names the same files.
        var completeBefore = recorded.Value.CompleteBefore;
        foreach (var version in batches.Select((b, i) => (Batch: b, Schema: plan.Versions[i])).GroupBy(x => x.Schema.Folder, StringComparer.Ordinal))
        {
            var schema = version.First().Schema;
            var group = version.Select(x => x.Batch).ToList();
            var schemaJson = JsonSerializer.Serialize(schema, SchemaJson);
            await CreateOnceAsync(ExportLayout.SchemaName(stream, schema), BinaryData.FromString(schemaJson), "application/json", null, ct).ConfigureAwait(false);
            var hours = RowsByHour(group);
            if (hours.Keys.Any(h => ExportLayout.NanosOf(h.AddHours(1)) <= completeBefore))
            {
                // Rows of a complete hour are written at once, each range's into its own late file.
                foreach (var (hour, part) in ExportTableBuilder.Build(schema, group).ByHour())
                {
                    var partition = new OpenPartition(schema.Table, schema.Version, hour);
                    if (partition.EndNanos > completeBefore) continue;
                    late.Add(partition);
                    lateRows += part.RowCount;
                    await WriteFilesAsync(stream, schema, format => ExportLayout.FileName(format, stream, schema, hour, range.FromChunk, range.ToChunk, late: true), part, schemaJson, ct).ConfigureAwait(false);
                    foreach (var _ in _options.Formats)
                    {
                        lateFiles++;
                        _options.Probe?.Invoke(Points.AfterFile);
                    }
                }
            }
            foreach (var (hour, rows) in hours)
            {
                var partition = new OpenPartition(schema.Table, schema.Version, hour);
                if (partition.EndNanos <= completeBefore) continue;
                stagedRows += rows;
                var bytes = rows * (FixedColumns + schema.Columns.Count) * 8;
                var fresh = new StagedPart(partition, [span], rows, bytes, spanned, first, last);
                var at = staged.FindIndex(p => p.Partition == partition);
                if (at < 0) staged.Add(fresh);
                else if (_planner.Takes(staged[at], rows, bytes)) staged[at] = staged[at].Add(span, rows, bytes, spanned, last);
                else
                {
                    // Full before this range: it rolls as it is, the range's rows start the next part.
                    rolling.Add(staged[at] with { Reason = $"full at {staged[at].Rows} rows" });
                    staged[at] = fresh;
                }
            }
        }
        if (late.Count > 0)
        {
            // A complete partition never changes silently: its late file comes with a new manifest version listing it.
            var watermark = (await blob.Watermark.ReadAsync(new CloudWatermark(), ct).ConfigureAwait(false)).Value;
            foreach (var partition in late)
            foreach (var format in _options.Formats)
                await _markers.EnsureAsync(ExportLayout.PartitionPrefix(format, stream, partition), format, partition, watermark, ct).ConfigureAwait(false);
        }
        var now = _options.Clock.GetUtcNow();
        foreach (var part in staged.ToList())
        {
            if ((flushNow ? "flush requested" : _planner.RollReason(part, now)) is not { } reason) continue;
            rolling.Add(part with { Reason = reason });
            staged.Remove(part);
        }
        foreach (var part in staged.OrderBy(p => p.Partition.Hour).Take(Math.Max(0, staged.Count - MaxOpenPartitions)).ToList())
        {
            rolling.Add(part with { Reason = "too many open parts" });
            staged.Remove(part);
        }
        _options.Probe?.Invoke(Points.BeforeDone);

        var events = chunks.Sum(c => (long)c.Info.EventCount);
        var done = await checkpoint.TryReplaceAsync(recorded, recorded.Value with
        {
            NextChunk = range.ToChunk + 1,
            Pending = null,
            EventsExported = recorded.Value.EventsExported + events,
            RowsExported = recorded.Value.RowsExported + lateRows,
            FilesWritten = recorded.Value.FilesWritten + lateFiles,
            DeadLettered = recorded.Value.DeadLettered + bad.Count,
            Tables = tables,
            Staged = staged,
            Rolling = rolling,
            LateRows = recorded.Value.LateRows + lateRows,
        }, ct).ConfigureAwait(false);
        if (done is null) return StepResult.Lost("another exporter finished the range first");
        var schemaNotes = notes.Count == 0 ? "" : "; schema: " + string.Join("; ", notes);
        var lateNotes = lateRows == 0 ? "" :
            $"; LATE: {lateRows} rows of already complete hours into late files with new manifest versions in {string.Join(", ", late.Select(p => $"{p.Folder} {p.Hour:yyyy-MM-dd HH}h"))}";
        var rollNotes = "";
        if (rolling.Count > 0)
        {
            // The range's chunks are in memory: the parts' spans over them are not downloaded and parsed again.
            var (rolled, detail) = await RollAsync(stream, blob, checkpoint, done, ct, chunks).ConfigureAwait(false);
            // Lost: another exporter rolled them (the files are the same); this step's range is done either way.
            rollNotes = "; " + (rolled is null ? "another exporter rolled the parts" : detail);
        }
        return new StepResult(StepOutcome.Progress, events, chunks.Sum(c => c.Info.ContentLength), more,
            $"chunks {range.FromChunk}..{range.ToChunk}: {stagedRows} rows into open parts, {bad.Count} dead-lettered ({range.Reason}){schemaNotes}{lateNotes}{rollNotes}");
    }

    /// <summary>Records <paramref name="parts"/> (staged) as rolling, then rolls them.</summary>
    private async Task<StepResult> FreezeAndRollAsync(StreamName stream, BlobStream blob, CheckpointBlob<ExportCheckpoint> checkpoint,
        Versioned<ExportCheckpoint> read, IReadOnlyList<StagedPart> parts, Func<StagedPart, string> reason, CancellationToken ct)
    {
        var frozen = await checkpoint.TryReplaceAsync(read, read.Value with
        {
            Staged = read.Value.Staged.Except(parts).ToList(),
            Rolling = parts.Select(p => p with { Reason = reason(p) }).ToList(),
        }, ct).ConfigureAwait(false);
        if (frozen is null) return StepResult.Lost("another exporter froze parts first");
        var (rolled, detail) = await RollAsync(stream, blob, checkpoint, frozen, ct).ConfigureAwait(false);
        return rolled is null ? StepResult.Lost("another exporter rolled the parts first") : new StepResult(StepOutcome.Progress, 0, 0, true, detail);
    }

    /// <summary>
    /// Writes the files of every <see cref="ExportCheckpoint.Rolling"/> part — its chunks read again, the rows of its
    /// partition in their stream order — create-only under its name, then records the parts as rolled (ETag). Null
    /// checkpoint when another exporter recorded first. <paramref name="inMemory"/>: consecutive chunks this step
    /// already read and parsed (chunks are immutable, so they are the very rows a new read would give).
    /// </summary>
    private async Task<(Versioned<ExportCheckpoint>? Done, string Detail)> RollAsync(StreamName stream, BlobStream blob, CheckpointBlob<ExportCheckpoint> checkpoint,
        Versioned<ExportCheckpoint> recorded, CancellationToken ct, IReadOnlyList<ParsedChunk>? inMemory = null)
    {
        _options.Probe?.Invoke(Points.AfterRecordRoll);
        var files = 0;
        var rows = 0L;
        foreach (var part in recorded.Value.Rolling)
        {
            var schema = await SchemaOfAsync(stream, recorded.Value, part.Partition.Table, part.Partition.Version, ct).ConfigureAwait(false);
            var next = recorded.Value.Tables.Any(t => t.Table == schema.Table && t.Version > schema.Version)
                ? await SchemaOfAsync(stream, recorded.Value, schema.Table, schema.Version + 1, ct).ConfigureAwait(false)
                : null;
            var batches = new List<SampleBatch>();
            foreach (var span in part.Spans)
                foreach (var chunk in await ReadSpanAsync(blob, span, inMemory ?? [], ct).ConfigureAwait(false))
                    batches.AddRange(chunk.Positioned
                        .Where(p => EventSchemas.TableOf(p.Batch) == schema.Table && SchemaEvolution.Holds(schema, next, p.Chunk, p.Event))
                        .Select(p => p.Batch));
            var table = ExportTableBuilder.Build(schema, batches).ByHour().Where(h => h.Hour == part.Partition.Hour).Select(h => h.Rows).SingleOrDefault();
            if (table?.RowCount != part.Rows)
                throw new InvalidDataException($"the part {part.FromChunk}..{part.ToChunk} of {part.Partition.Folder} {part.Partition.Hour:yyyy-MM-dd HH}h of {stream} was staged with {part.Rows} rows but its chunks hold {table?.RowCount ?? 0}");
            var schemaJson = JsonSerializer.Serialize(schema, SchemaJson);
            await WriteFilesAsync(stream, schema, format => ExportLayout.FileName(format, stream, schema, part.Partition.Hour, part.FromChunk, part.ToChunk), table, schemaJson, ct).ConfigureAwait(false);
            foreach (var _ in _options.Formats)
            {
                files++;
                _options.Probe?.Invoke(Points.AfterFile);
            }
            rows += part.Rows;
        }
        _options.Probe?.Invoke(Points.BeforeRollDone);
        var (open, untracked) = Track(recorded.Value.OpenPartitions, recorded.Value.Rolling.Select(p => p.Partition).ToList());
        var done = await checkpoint.TryReplaceAsync(recorded, recorded.Value with
        {
            Rolling = [],
            RowsExported = recorded.Value.RowsExported + rows,
            FilesWritten = recorded.Value.FilesWritten + files,
            OpenPartitions = open,
            UntrackedPartitions = recorded.Value.UntrackedPartitions + untracked,
        }, ct).ConfigureAwait(false);
        var reasons = string.Join(", ", recorded.Value.Rolling.Select(p => p.Reason).Distinct());
        return (done, $"rolled {recorded.Value.Rolling.Count} part(s): {rows} rows in {files} files ({reasons})");
    }

    /// <summary>Version <paramref name="version"/> of <paramref name="table"/>: the recorded newest one, or its schema record (an older version).</summary>
    private async Task<TableSchema> SchemaOfAsync(StreamName stream, ExportCheckpoint state, string table, int version, CancellationToken ct)
    {
        if (state.Tables.FirstOrDefault(t => t.Table == table && t.Version == version) is { } newest) return newest;
        var container = await _exports.ReadyAsync(ct).ConfigureAwait(false);
        var name = ExportLayout.SchemaName(stream, new TableSchema(table, version, [], 0, ""));
        var content = (await container.GetBlobClient(name).DownloadContentAsync(ct).ConfigureAwait(false)).Value.Content;
        return JsonSerializer.Deserialize<TableSchema>(content.ToString(), SchemaJson) ?? throw new InvalidDataException($"{name} holds null");
    }

    /// <summary>Rows of <paramref name="batches"/> per UTC hour of their event time.</summary>
    private static SortedDictionary<DateTime, long> RowsByHour(IEnumerable<SampleBatch> batches)
    {
        var hours = new SortedDictionary<DateTime, long>();
        // Rows come in runs of one hour: counted per run, the dictionary is touched once per run, not once per row.
        var (from, to, run) = (0L, -1L, 0L);
        foreach (var batch in batches)
        foreach (var t in batch.TimestampNanos)
        {
            if (t >= from && t < to)
            {
                run++;
                continue;
            }
            AddRun();
            from = t / NanosPerHour * NanosPerHour;
            to = from + NanosPerHour;
            run = 1;
        }
        AddRun();
        return hours;

        void AddRun()
        {
            if (run == 0) return;
            var hour = ExportLayout.HourOf(from);
            hours[hour] = hours.GetValueOrDefault(hour) + run;
        }
    }

    /// <summary>The fixed columns of every table (SensorId, Sequence, TimestampNanos, Timestamp), for the size estimate.</summary>
    private const int FixedColumns = 4;

    /// <summary>
    /// Writes the markers of every open partition whose hour the watermark has passed — once the export has read every
    /// chunk the watermark needs and rolled their open parts — and records those hours as complete
    /// (<paramref name="before"/>: the start of the watermark's hour).
    /// </summary>
    private async Task<StepResult> MarkCompleteHoursAsync(StreamName stream, CheckpointBlob<ExportCheckpoint> checkpoint,
        Versioned<ExportCheckpoint> read, CloudWatermark watermark, long before, CancellationToken ct)
    {
        var state = read.Value;
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

    /// <summary>
    /// The file of <paramref name="rows"/> in every configured format, written and uploaded at the same time (one
    /// format's upload overlaps the other's formatting); returns once all are uploaded (each create-only, so a redo
    /// after a failure of one keeps the others).
    /// </summary>
    private Task WriteFilesAsync(StreamName stream, TableSchema schema, Func<ExportFormat, string> name, ExportTable rows, string schemaJson, CancellationToken ct) =>
        Task.WhenAll(_options.Formats.Select(format => Task.Run(() => WriteFileAsync(stream, schema, name(format), format, rows, schemaJson, ct), ct)));

    private async Task WriteFileAsync(StreamName stream, TableSchema schema, string name, ExportFormat format, ExportTable rows, string schemaJson, CancellationToken ct)
    {
        // The CSV column types first, so no CSV file of a table version is visible without them (create-only: written once).
        if (format == ExportFormat.Csv && ExportLayout.CsvColumnTypesName(stream, schema) is var typesName && !_csvColumnTypesWritten.ContainsKey(typesName))
        {
            await CreateOnceAsync(typesName, BinaryData.FromString(CsvColumnTypes.Json(schema)), "application/json", null, ct).ConfigureAwait(false);
            _csvColumnTypesWritten.TryAdd(typesName, true);
        }
        // Streamed: the writer's bytes go up in blocks while it writes (bounded memory, upload overlapping formatting),
        // committed create-only once the file is complete — the same single atomic create as one Put Blob.
        var container = await _exports.ReadyAsync(ct).ConfigureAwait(false);
        await using var upload = new CreateOnlyBlobUpload(container.GetBlockBlobClient(name),
            new BlobHttpHeaders { ContentType = format == ExportFormat.Csv ? "text/csv" : "application/vnd.apache.parquet" },
            new Dictionary<string, string> { [CompletenessMarkers.RowsKey] = rows.RowCount.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            FileBlockBytes, FileBlocksInFlight, FileSinglePutBytes, ct);
        if (format == ExportFormat.Csv) await CsvExportWriter.WriteAsync(rows, upload.Content, _options.Csv, ct).ConfigureAwait(false);
        else await ParquetExportWriter.WriteAsync(rows, upload.Content, _options.TargetRowGroupBytes, schemaJson, ct).ConfigureAwait(false);
        _options.Probe?.Invoke(Points.AfterWrite);
        try
        {
            await upload.CompleteAsync().ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (BlobConditions.LostRace(e))
        {
            // An earlier attempt at this very part wrote it: same rows, same name — keep that one.
        }
    }

    /// <summary>
    /// A file of up to 8 MiB is one create-only Put Blob once written; a larger one goes up while it is written, in
    /// blocks of 8 MiB, at most 4 staging at once while the next fills, committed create-only as one block list —
    /// <see cref="CreateOnlyBlobUpload"/>'s defaults, the block size and concurrency of the SDK's own parallel upload
    /// (the raw upload the export benchmark's I/O floor uses). So at most 40 MiB of a file's bytes are in memory,
    /// whatever its size ((4 + 1) × 8 MiB).
    /// </summary>
    public const int FileBlockBytes = CreateOnlyBlobUpload.DefaultBlockBytes;

    /// <inheritdoc cref="FileBlockBytes"/>
    public const int FileSinglePutBytes = CreateOnlyBlobUpload.DefaultSinglePutBytes;

    /// <inheritdoc cref="FileBlockBytes"/>
    public const int FileBlocksInFlight = CreateOnlyBlobUpload.DefaultMaxInFlight;

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
