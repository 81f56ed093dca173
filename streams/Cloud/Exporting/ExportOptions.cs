using SensorStream.Streams.Events;
using SensorStream.Streams.Mirroring;

namespace SensorStream.Streams.Exporting;

/// <summary>How much one export step reads, when a part of a table rolls into a file, and how files are written.</summary>
public sealed record ExportOptions
{
    /// <summary>
    /// A part (file) of a table rolls once it holds this many rows; an export step also takes at most this many
    /// rows (unless a single chunk alone holds more). Default 4,000,000.
    /// </summary>
    public long MaxRowsPerFile { get; init; } = 4_000_000;

    /// <summary>
    /// A part (file) of a table rolls once its rows' uncompressed size (8 bytes a value, the estimate
    /// <see cref="ParquetExportWriter.RowsPerGroup"/> uses) reaches this. Default 128 MiB — a Parquet file of some
    /// tens of MB (19-70 MB measured; CSV 210-290 MB, see functions/README.md), as Flink's FileSink rolls at 128 MB.
    /// </summary>
    public long TargetFileBytes { get; init; } = 128L * 1024 * 1024;

    /// <summary>An export step reads at most this many bytes of source chunks (bounds the work and memory of one step).</summary>
    public long MaxSourceBytesPerStep { get; init; } = 64L * 1024 * 1024;

    /// <summary>An export step reads at most this many chunks (bounds the work of one step).</summary>
    public int MaxChunksPerStep { get; init; } = 1_000;

    /// <summary>Roll by time: a part rolls once the oldest chunk holding its rows is this old, even if more keeps coming (bounds how late rows show up in files).</summary>
    public TimeSpan RollAfter { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Idle flush: a part rolls once no new row of it arrived for this long (Flink's inactivity interval).</summary>
    public TimeSpan IdleFlushAfter { get; init; } = TimeSpan.FromMinutes(5);

    public IReadOnlyList<ExportFormat> Formats { get; init; } = [ExportFormat.Csv, ExportFormat.Parquet];

    /// <summary>How CSV files are written (separator, byte order mark).</summary>
    public CsvDialect Csv { get; init; } = CsvDialect.Rfc4180;

    /// <summary>
    /// Target uncompressed size of a Parquet row group; the row count follows from the column count, in whole
    /// multiples of 122,880 rows (<see cref="ParquetExportWriter.RowsPerGroup"/>). Default 8 MiB: 122,880 rows (DuckDB's
    /// own row group) for tables of up to 8 columns. Was 64 MiB: a 1M-row file was one group, encoded whole in memory.
    /// </summary>
    public long TargetRowGroupBytes { get; init; } = 8L * 1024 * 1024;

    /// <summary>
    /// Largest event exported, in bytes (default <see cref="SampleBatchJson.MaxEventBytes"/>, 8 MiB: Pravega's limit and
    /// the gateway's and collector's default); a larger one is dead-lettered unparsed, with its size and this limit as the reason.
    /// </summary>
    public int MaxEventBytes { get; init; } = SampleBatchJson.MaxEventBytes;

    public StepProbe? Probe { get; init; }

    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
