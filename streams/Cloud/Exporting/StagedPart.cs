namespace SensorStream.Streams.Exporting;

/// <summary>Chunks <see cref="From"/>..<see cref="To"/> (inclusive) of the blob stream.</summary>
public sealed record ChunkSpan(long From, long To);

/// <summary>
/// An open part: rows of one partition (<see cref="Partition"/>: one hour of one table version) that export steps have
/// taken from the blob stream but that are in no file yet. It records where its rows are — <see cref="Spans"/>, the
/// export ranges that held rows of the partition, adjacent ones merged — not the rows themselves: rolling the part
/// reads those chunks again and writes every row of the partition in them into one file per format,
/// <c>part-{Spans[0].From:D12}-{Spans[^1].To:D12}</c> (see <see cref="ExportPlanner.RollReason"/> for when).
/// Parts of one partition never overlap in chunks, so their names never collide.
/// </summary>
/// <param name="Partition">The table version and hour.</param>
/// <param name="Spans">Ascending, disjoint chunk spans holding the part's rows.</param>
/// <param name="Rows">Rows of the partition in those spans.</param>
/// <param name="EstimatedBytes">Uncompressed size of the rows, 8 bytes a value (the Parquet row group estimate).</param>
/// <param name="SpannedBytes">Bytes of every chunk in the spans: what rolling the part reads.</param>
/// <param name="FirstCreated">When the first chunk holding a row of the part was mirrored.</param>
/// <param name="LastCreated">When the newest such chunk was mirrored.</param>
/// <param name="Reason">Why the part rolls (set when it is frozen for rolling; null while it is filled).</param>
public sealed record StagedPart(OpenPartition Partition, IReadOnlyList<ChunkSpan> Spans, long Rows, long EstimatedBytes, long SpannedBytes,
    DateTimeOffset FirstCreated, DateTimeOffset LastCreated, string? Reason = null)
{
    /// <summary>The first chunk of the part's file name.</summary>
    public long FromChunk => Spans[0].From;

    /// <summary>The last chunk of the part's file name.</summary>
    public long ToChunk => Spans[^1].To;

    /// <summary>This part with the rows of <paramref name="range"/> added (its span merged with the last one when adjacent).</summary>
    public StagedPart Add(ChunkSpan range, long rows, long estimatedBytes, long spannedBytes, DateTimeOffset created) => this with
    {
        Spans = Spans[^1].To + 1 == range.From ? [.. Spans.Take(Spans.Count - 1), new ChunkSpan(Spans[^1].From, range.To)] : [.. Spans, range],
        Rows = Rows + rows,
        EstimatedBytes = EstimatedBytes + estimatedBytes,
        SpannedBytes = SpannedBytes + spannedBytes,
        LastCreated = created > LastCreated ? created : LastCreated,
    };
}
