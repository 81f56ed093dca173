namespace SensorStream.Streams.Exporting;

/// <summary>
/// A partition (one hour of one table version) that has export files but no completeness marker yet; it gets its
/// marker once the watermark passes <see cref="Hour"/> + 1 h and the export has read everything before the watermark.
/// </summary>
public sealed record OpenPartition(string Table, int Version, DateTime Hour)
{
    /// <summary>The table version's folder, <c>{table}/v{version}</c>.</summary>
    public string Folder => TableSchema.FolderOf(Table, Version);

    /// <summary>The end of the partition's hour, ns since the Unix epoch.</summary>
    public long EndNanos => ExportLayout.NanosOf(Hour.AddHours(1));
}
