using System.Globalization;
using SensorStream.Streams.Naming;

namespace SensorStream.Streams.Exporting;

/// <summary>
/// Names in the <c>exports</c> container.
/// Files: <c>{format}/{scope}/{stream}/{table}/v{version}/date=YYYY-MM-DD/hour=H/part-{from:D12}-{to:D12}.{ext}</c> —
/// one folder per table version (<see cref="TableSchema.Folder"/>), inside it Hive-style partitions from the rows'
/// event time (UTC); from/to are the chunk range, so a retry of a range produces the very same names.
/// Schema records: <c>schemas/{scope}/{stream}/{table}/v{version}.json</c>.
/// Quarantined events: <c>deadletter/{scope}/{stream}/chunk-{seq:D12}-event-{index:D6}.json</c>.
/// </summary>
public static class ExportLayout
{
    public const string Container = "exports";
    public const string CheckpointContainer = "checkpoints";

    public static string StreamPrefix(ExportFormat format, StreamName stream) => $"{format.Extension()}/{stream.Scope}/{stream.Stream}/";

    /// <summary>The folder of one table version: <c>{format}/{scope}/{stream}/{table}/v{version}/</c>.</summary>
    public static string TablePrefix(ExportFormat format, StreamName stream, TableSchema table) => $"{StreamPrefix(format, stream)}{table.Folder}/";

    public static string FileName(ExportFormat format, StreamName stream, TableSchema table, DateTime hourUtc, long fromChunk, long toChunk) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{TablePrefix(format, stream, table)}{PartitionFolder(hourUtc)}part-{fromChunk:D12}-{toChunk:D12}.{format.Extension()}");

    /// <summary>
    /// The Hive partition folders of an hour (UTC): <c>date=YYYY-MM-DD/hour=H/</c>, the hour 0-23 without a leading
    /// zero — DuckDB's partition type detection reads <c>hour=09</c> as text but <c>hour=9</c> as BIGINT (measured
    /// with DuckDB 1.5 in ExportDuckDbTests), and the date as DATE.
    /// </summary>
    public static string PartitionFolder(DateTime hourUtc) => string.Create(CultureInfo.InvariantCulture, $"date={hourUtc:yyyy-MM-dd}/hour={hourUtc.Hour}/");

    /// <summary>The schema record of a table version (JSON of <see cref="TableSchema"/>), written create-only before its first file.</summary>
    public static string SchemaName(StreamName stream, TableSchema table) =>
        string.Create(CultureInfo.InvariantCulture, $"schemas/{stream.Scope}/{stream.Stream}/{table.Table}/v{table.Version}.json");

    public static string DeadLetterPrefix(StreamName stream) => $"deadletter/{stream.Scope}/{stream.Stream}/";

    public static string DeadLetterName(StreamName stream, long chunk, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{DeadLetterPrefix(stream)}chunk-{chunk:D12}-event-{index:D6}.json");

    public static string CheckpointName(StreamName stream) => $"export/{stream.Scope}/{stream.Stream}.json";

    /// <summary>The UTC hour a row belongs to (floor of its event time).</summary>
    public static DateTime HourOf(long timestampNanos) =>
        DateTime.UnixEpoch.AddTicks(timestampNanos / 100 / TimeSpan.TicksPerHour * TimeSpan.TicksPerHour);
}
