using SensorStream.Streams.Events;
using SensorStream.Streams.Mirroring;

namespace SensorStream.Streams.Exporting;

/// <summary>When an export file is cut and how it is written.</summary>
public sealed record ExportOptions
{
    /// <summary>A file holds at most this many rows (samples) — unless a single chunk alone holds more.</summary>
    public long MaxRowsPerFile { get; init; } = 1_000_000;

    /// <summary>A file covers at most this many bytes of source chunks.</summary>
    public long MaxSourceBytesPerFile { get; init; } = 64L * 1024 * 1024;

    /// <summary>A file covers at most this many chunks (bounds the work of one step).</summary>
    public int MaxChunksPerFile { get; init; } = 1_000;

    /// <summary>Roll by time: export what is buffered once its oldest chunk is this old, even if more keeps coming.</summary>
    public TimeSpan RollAfter { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Idle flush: export what is buffered once no chunk has arrived for this long.</summary>
    public TimeSpan IdleFlushAfter { get; init; } = TimeSpan.FromSeconds(60);

    public IReadOnlyList<ExportFormat> Formats { get; init; } = [ExportFormat.Csv, ExportFormat.Parquet];

    /// <summary>How CSV files are written (separator, byte order mark).</summary>
    public CsvDialect Csv { get; init; } = CsvDialect.Rfc4180;

    /// <summary>Target uncompressed size of a Parquet row group; the row count follows from the column count.</summary>
    public long TargetRowGroupBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// Largest event exported, in bytes (default <see cref="SampleBatchJson.MaxEventBytes"/>, 8 MiB: Pravega's limit and
    /// the gateway's and collector's default); a larger one is dead-lettered unparsed, with its size and this limit as the reason.
    /// </summary>
    public int MaxEventBytes { get; init; } = SampleBatchJson.MaxEventBytes;

    public StepProbe? Probe { get; init; }

    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
