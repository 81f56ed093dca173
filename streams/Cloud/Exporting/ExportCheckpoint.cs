namespace SensorStream.Streams.Exporting;

/// <summary>
/// Export progress of one stream, in a blob replaced by ETag. <see cref="NextChunk"/> is the first chunk not yet
/// exported. <see cref="Pending"/> is a range recorded before any of its files was written: until it is marked done,
/// every attempt writes exactly that range under exactly the same names. <see cref="Tables"/> is the newest schema
/// version of every table before the pending range; a range is planned from them, event by event, on every attempt
/// (so every attempt writes it with the same table versions; see <see cref="SchemaEvolution"/>), and the versions it
/// makes are recorded when it is marked done. (An exporter before per-event versions recorded them with the pending
/// range; planned again over those, every batch of the range goes to its table's newest version, as it wrote them.)
/// A done range leaves its rows in <see cref="Staged"/> parts (one per partition) until a part rolls: it is moved to
/// <see cref="Rolling"/> (recorded before any of its files is written), its files are written create-only, and
/// it is removed — so a crash while rolling writes exactly those files again under the same names.
/// <see cref="NextChunk"/> is where reading goes on; the rows of staged parts are exported but in no file yet.
/// </summary>
public sealed record ExportCheckpoint
{
    public long NextChunk { get; init; }

    public ExportRange? Pending { get; init; }

    public long EventsExported { get; init; }

    /// <summary>Rows written into files (parts rolled and late files).</summary>
    public long RowsExported { get; init; }

    public long FilesWritten { get; init; }

    /// <summary>Open parts: rows taken from the stream, not yet in a file (one per partition).</summary>
    public IReadOnlyList<StagedPart> Staged { get; init; } = [];

    /// <summary>Parts frozen for rolling: until they are removed, every attempt writes exactly their files.</summary>
    public IReadOnlyList<StagedPart> Rolling { get; init; } = [];

    /// <summary>Rows in <see cref="Staged"/> and <see cref="Rolling"/> parts.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long StagedRows => Staged.Sum(p => p.Rows) + Rolling.Sum(p => p.Rows);

    public long DeadLettered { get; init; }

    /// <summary>The newest version of each table, in order of first appearance.</summary>
    public IReadOnlyList<TableSchema> Tables { get; init; } = [];

    /// <summary>
    /// Ns since the Unix epoch, a whole hour: every hour that ends at or before it is complete — its partitions got their
    /// markers — and a row below it exported from now on is late. 0 = no hour complete yet.
    /// </summary>
    public long CompleteBefore { get; init; }

    /// <summary>Partitions with files but no marker yet (at most <see cref="Exporter.MaxOpenPartitions"/>, oldest dropped first).</summary>
    public IReadOnlyList<OpenPartition> OpenPartitions { get; init; } = [];

    /// <summary>Partitions that got their first completeness marker.</summary>
    public long MarkedPartitions { get; init; }

    /// <summary>Rows exported after their hour was complete (into late files, each with a new manifest version).</summary>
    public long LateRows { get; init; }

    /// <summary>Open partitions dropped from <see cref="OpenPartitions"/> over its bound; they get no marker.</summary>
    public long UntrackedPartitions { get; init; }
}

/// <summary>Chunks <see cref="FromChunk"/>..<see cref="ToChunk"/> (inclusive) of the blob stream, taken by one export step.</summary>
public sealed record ExportRange(long FromChunk, long ToChunk, string Reason);
