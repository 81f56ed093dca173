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
}

/// <summary>Chunks <see cref="FromChunk"/>..<see cref="ToChunk"/> (inclusive) of the blob stream.</summary>
public sealed record ExportRange(long FromChunk, long ToChunk, string Reason);
