using System.Globalization;
using SensorStream.Streams.Naming;

namespace SensorStream.Streams.Exporting;

/// <summary>
/// Names in the <c>exports</c> container. Files: <c>{format}/{scope}/{stream}/date=YYYY-MM-DD/hour=HH/part-{from:D12}-{to:D12}.{ext}</c>
/// (Hive-style partitions from the rows' event time; from/to are the chunk range, so a retry of a range produces the
/// very same names). Quarantined events: <c>deadletter/{scope}/{stream}/chunk-{seq:D12}-event-{index:D6}.json</c>.
/// </summary>
public static class ExportLayout
{
    public const string Container = "exports";
    public const string CheckpointContainer = "checkpoints";

    public static string StreamPrefix(ExportFormat format, StreamName stream) => $"{format.Extension()}/{stream.Scope}/{stream.Stream}/";

    public static string FileName(ExportFormat format, StreamName stream, DateTime hourUtc, long fromChunk, long toChunk) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{StreamPrefix(format, stream)}date={hourUtc:yyyy-MM-dd}/hour={hourUtc:HH}/part-{fromChunk:D12}-{toChunk:D12}.{format.Extension()}");

    public static string DeadLetterPrefix(StreamName stream) => $"deadletter/{stream.Scope}/{stream.Stream}/";

    public static string DeadLetterName(StreamName stream, long chunk, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{DeadLetterPrefix(stream)}chunk-{chunk:D12}-event-{index:D6}.json");

    public static string CheckpointName(StreamName stream) => $"export/{stream.Scope}/{stream.Stream}.json";

    /// <summary>The UTC hour a row belongs to (floor of its event time).</summary>
    public static DateTime HourOf(long timestampNanos) =>
        DateTime.UnixEpoch.AddTicks(timestampNanos / 100 / TimeSpan.TicksPerHour * TimeSpan.TicksPerHour);
}
