namespace SensorStream.Streams.Exporting;

/// <summary>
/// Export progress of one stream, in a blob replaced by ETag. <see cref="NextChunk"/> is the first chunk not yet
/// exported. <see cref="Pending"/> is a range recorded before any of its files was written: until it is marked done,
/// every attempt writes exactly that range under exactly the same names. <see cref="Tables"/> is the newest schema
/// version of every table, recorded together with the pending range that first needs it (so every attempt at a
/// range writes it with the same table versions; see <see cref="SchemaEvolution"/>).
/// </summary>
public sealed record ExportCheckpoint
{
    public long NextChunk { get; init; }

    public ExportRange? Pending { get; init; }

    public long EventsExported { get; init; }

    public long RowsExported { get; init; }

    public long FilesWritten { get; init; }

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

/// <summary>Chunks <see cref="FromChunk"/>..<see cref="ToChunk"/> (inclusive) of the blob stream.</summary>
public sealed record ExportRange(long FromChunk, long ToChunk, string Reason);
