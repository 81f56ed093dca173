namespace SensorStream.EdgeModule.Queue;

/// <summary>
/// A CSV file whose rows were queued (recorded in the same SQL transaction as its events). Identified by
/// path, length and last write time, so a later file that reuses the name is still imported.
/// </summary>
public sealed record ImportedFile(string Path, long Length, long LastWriteUnixNanos, long Rows, long BadRows);
