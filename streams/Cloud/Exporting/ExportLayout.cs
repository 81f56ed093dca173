using System.Globalization;
using SensorStream.Streams.Naming;

namespace SensorStream.Streams.Exporting;

/// <summary>
/// Names in the <c>exports</c> container.
/// Files: <c>{format}/{scope}/{stream}/{table}/v{version}/date=YYYY-MM-DD/hour=H/part-{from:D12}-{to:D12}.{ext}</c> —
/// one folder per table version (<see cref="TableSchema.Folder"/>), inside it Hive-style partitions from the rows'
/// event time (UTC); from/to are the chunk range, so a retry of a range produces the very same names.
/// A file of rows that arrived after their hour was declared complete is named <c>late-{from:D12}-{to:D12}.{ext}</c>.
/// Completeness markers in a partition folder: <c>_manifest.v{n}.json</c> (n = 1, 2, … — a new one for every late
/// file) and <c>_SUCCESS</c> (empty, written once after the first manifest).
/// Schema records: <c>schemas/{scope}/{stream}/{table}/v{version}.json</c>; the CSV column types of a table version
/// beside its files: <c>csv/{scope}/{stream}/{table}/v{version}/_schema.json</c> (<see cref="CsvColumnTypes"/>).
/// Quarantined events: <c>deadletter/{scope}/{stream}/chunk-{seq:D12}-event-{index:D6}.json</c>.
/// </summary>
public static class ExportLayout
{
    public const string Container = "exports";
    public const string CheckpointContainer = "checkpoints";

    public static string StreamPrefix(ExportFormat format, StreamName stream) => $"{format.Extension()}/{stream.Scope}/{stream.Stream}/";

    /// <summary>The folder of one table version: <c>{format}/{scope}/{stream}/{table}/v{version}/</c>.</summary>
    public static string TablePrefix(ExportFormat format, StreamName stream, TableSchema table) => $"{StreamPrefix(format, stream)}{table.Folder}/";

    /// <summary>The folder of one partition: <c>{format}/{scope}/{stream}/{table}/v{n}/date=…/hour=…/</c>.</summary>
    public static string PartitionPrefix(ExportFormat format, StreamName stream, OpenPartition partition) =>
        $"{StreamPrefix(format, stream)}{partition.Folder}/{PartitionFolder(partition.Hour)}";

    public static string FileName(ExportFormat format, StreamName stream, TableSchema table, DateTime hourUtc, long fromChunk, long toChunk, bool late = false) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{TablePrefix(format, stream, table)}{PartitionFolder(hourUtc)}{(late ? LateFilePrefix : "part-")}{fromChunk:D12}-{toChunk:D12}.{format.Extension()}");

    /// <summary>Name prefix of a file of late rows (rows of an hour that was already complete when they were exported).</summary>
    public const string LateFilePrefix = "late-";

    /// <summary>The empty marker of a complete partition (Hadoop's name, which Spark and Hive readers skip).</summary>
    public const string SuccessMarker = "_SUCCESS";

    /// <summary>Manifest version <paramref name="n"/> (1, 2, …) of a partition folder.</summary>
    public static string ManifestName(string partitionPrefix, int n) => string.Create(CultureInfo.InvariantCulture, $"{partitionPrefix}_manifest.v{n}.json");

    /// <summary>The version of a manifest blob name (with or without its folder); false for other names.</summary>
    public static bool TryParseManifest(string name, out int n)
    {
        n = 0;
        var file = name[(name.LastIndexOf('/') + 1)..];
        return file.StartsWith("_manifest.v", StringComparison.Ordinal) && file.EndsWith(".json", StringComparison.Ordinal) &&
               int.TryParse(file.AsSpan(11, file.Length - 16), NumberStyles.None, CultureInfo.InvariantCulture, out n) && n > 0;
    }

    /// <summary>
    /// The Hive partition folders of an hour (UTC): <c>date=YYYY-MM-DD/hour=H/</c>, the hour 0-23 without a leading
    /// zero — DuckDB's partition type detection reads <c>hour=09</c> as text but <c>hour=9</c> as BIGINT (measured
    /// with DuckDB 1.5 in ExportDuckDbTests), and the date as DATE.
    /// </summary>
    public static string PartitionFolder(DateTime hourUtc) => string.Create(CultureInfo.InvariantCulture, $"date={hourUtc:yyyy-MM-dd}/hour={hourUtc.Hour}/");

    /// <summary>The schema record of a table version (JSON of <see cref="TableSchema"/>), written create-only before its first file.</summary>
    public static string SchemaName(StreamName stream, TableSchema table) =>
        string.Create(CultureInfo.InvariantCulture, $"schemas/{stream.Scope}/{stream.Stream}/{table.Table}/v{table.Version}.json");

    /// <summary>The column types beside a CSV table version's files: <c>csv/{scope}/{stream}/{table}/v{version}/_schema.json</c> (<see cref="CsvColumnTypes"/>).</summary>
    public static string CsvColumnTypesName(StreamName stream, TableSchema table) => TablePrefix(ExportFormat.Csv, stream, table) + CsvColumnTypes.FileName;

    public static string DeadLetterPrefix(StreamName stream) => $"deadletter/{stream.Scope}/{stream.Stream}/";

    public static string DeadLetterName(StreamName stream, long chunk, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{DeadLetterPrefix(stream)}chunk-{chunk:D12}-event-{index:D6}.json");

    public static string CheckpointName(StreamName stream) => $"export/{stream.Scope}/{stream.Stream}.json";

    /// <summary>Nanoseconds since the Unix epoch of a UTC time.</summary>
    public static long NanosOf(DateTime utc) => (utc - DateTime.UnixEpoch).Ticks * 100;

    /// <summary>The UTC hour a row belongs to (floor of its event time).</summary>
    public static DateTime HourOf(long timestampNanos) =>
        DateTime.UnixEpoch.AddTicks(timestampNanos / 100 / TimeSpan.TicksPerHour * TimeSpan.TicksPerHour);
}
