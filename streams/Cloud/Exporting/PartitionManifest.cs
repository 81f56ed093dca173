namespace SensorStream.Streams.Exporting;

/// <summary>
/// The completeness manifest of one partition in one format (<c>_manifest.v{n}.json</c>, JSON, camelCase): the files
/// the partition holds at version <see cref="Version"/> with their row counts, and the watermark that closed the hour.
/// Version 1 is written when the hour became complete; each later version adds the late files exported after it
/// (<see cref="ManifestFile.Late"/>) and lists everything again, so the highest version is the whole partition.
/// </summary>
public sealed record PartitionManifest
{
    public int Version { get; init; }

    public string Table { get; init; } = "";

    public int TableVersion { get; init; }

    public string Format { get; init; } = "";

    /// <summary>The partition's hour (UTC): rows with a Timestamp in [Hour, Hour + 1 h).</summary>
    public DateTime Hour { get; init; }

    /// <summary>The watermark when this version was written (UTC; every row below it that the stream had was exported).</summary>
    public DateTime Watermark { get; init; }

    public long WatermarkNanos { get; init; }

    /// <summary>The source stream cut of the watermark (protobuf base64 as in chunk metadata) and the last chunk it needs.</summary>
    public string SourceCut { get; init; } = "";

    public long SourceChunk { get; init; }

    public IReadOnlyList<ManifestFile> Files { get; init; } = [];

    /// <summary>Sum of the files' rows (files whose count is unknown count 0).</summary>
    public long Rows { get; init; }

    /// <summary>Rows in late files.</summary>
    public long LateRows { get; init; }
}

/// <summary>One file of a partition: its name in the folder, its rows (null when the file does not record them), and whether it holds late rows.</summary>
public sealed record ManifestFile(string Name, long? Rows, bool Late);
