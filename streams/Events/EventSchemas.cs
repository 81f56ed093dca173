using System.Text;

namespace SensorStream.Streams.Events;

/// <summary>
/// Which table an event's samples belong to: one table per sensor kind, so every exported file of a table has the
/// same columns. A table name is one or two path segments of letters, digits, <c>-</c>, <c>_</c> and <c>.</c>
/// (never <c>=</c>, so it can never look like a Hive partition), e.g. <c>nic</c>, <c>synthetic</c>, <c>accel</c>,
/// <c>csv/plant-a</c>.
/// </summary>
public static class EventSchemas
{
    /// <summary>Linux NIC counters (the <c>nic:&lt;interface&gt;</c> sensor).</summary>
    public const string Nic = "nic";

    /// <summary>The deterministic generator (<c>synthetic:&lt;id&gt;</c>).</summary>
    public const string Synthetic = "synthetic";

    /// <summary>Accelerometers (<c>mpu6050</c>, <c>lis3dh</c>, <c>adxl345</c>): X, Y, Z in m/s².</summary>
    public const string Accel = "accel";

    public const int MaxLength = 200;

    /// <summary>Namespace of the tables of CSV folders: <c>csv/&lt;folder&gt;</c>.</summary>
    public const string CsvNamespace = "csv";

    /// <summary>Namespace of the tables of IIO devices: <c>iio/&lt;device&gt;</c>.</summary>
    public const string IioNamespace = "iio";

    /// <summary>Namespace of the one-per-sensor tables of events no other rule places: <c>sensor/&lt;SensorId&gt;</c>.</summary>
    public const string SensorNamespace = "sensor";

    /// <summary>
    /// First segments that hold one table per instance: never a table of their own, so no instance table sits inside
    /// another table's folder.
    /// </summary>
    public static readonly IReadOnlyList<string> Namespaces = [CsvNamespace, IioNamespace, SensorNamespace];

    private static readonly string[] AccelPrefixes = ["mpu6050-", "lis3dh-", "adxl345-"];

    /// <summary>The table of CSV files imported from the folder named <paramref name="folder"/>: <c>csv/&lt;folder&gt;</c>.</summary>
    public static string Csv(string folder) => CsvNamespace + "/" + Segment(folder);

    /// <summary>The table of IIO device <paramref name="device"/> (its channels chosen in the sensor spec): <c>iio/&lt;device&gt;</c>.</summary>
    public static string Iio(string device) => IioNamespace + "/" + Segment(device);

    /// <summary>
    /// The table of an event. The rule, in order: (1) the event's own <see cref="SampleBatch.Schema"/>; (2) from the
    /// SensorId prefix: <c>nic-</c> → <c>nic</c>, <c>csv-&lt;folder&gt;</c> → <c>csv/&lt;folder&gt;</c>,
    /// <c>mpu6050-</c>/<c>lis3dh-</c>/<c>adxl345-</c> → <c>accel</c>; (3) exactly the synthetic fields (long
    /// <c>Sample</c>, double <c>Value</c>, no scalars) → <c>synthetic</c>; (4) otherwise one table per sensor:
    /// <c>sensor/&lt;SensorId&gt;</c>. In names from ids, characters outside the allowed set become <c>_</c>.
    /// </summary>
    public static string TableOf(SampleBatch batch)
    {
        if (batch.Schema is { } schema) return schema;
        var id = batch.SensorId;
        if (id.StartsWith("nic-", StringComparison.Ordinal)) return Nic;
        if (id.StartsWith("csv-", StringComparison.Ordinal) && id.Length > 4) return Csv(id[4..]);
        if (AccelPrefixes.Any(p => id.StartsWith(p, StringComparison.Ordinal))) return Accel;
        if (batch.Scalars.Count == 0 && batch.LongColumns is [{ Key: "Sample" }] && batch.DoubleColumns is [{ Key: "Value" }]) return Synthetic;
        return SensorNamespace + "/" + Segment(id);
    }

    /// <summary>Null when <paramref name="name"/> is a valid table name, else the reason.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "schema name is empty";
        if (name.Length > MaxLength) return $"schema name '{name[..32]}…' is longer than {MaxLength} characters";
        var segments = name.Split('/');
        if (segments.Length > 2) return $"schema name '{name}' has more than two '/'-separated parts";
        foreach (var s in segments)
        {
            if (s.Length == 0 || s is "." or "..") return $"schema name '{name}' has an empty, '.' or '..' part";
            foreach (var c in s)
                if (!IsAllowed(c)) return $"schema name '{name}' contains '{c}' (allowed: letters, digits, '-', '_', '.', one '/')";
        }
        // The exporter writes table T's versions to T/v1, T/v2, …: no name may be one of those folders, nor a namespace.
        if (segments.Length == 1 && Namespaces.Contains(name))
            return $"schema name '{name}' is the namespace of per-instance tables ({string.Join(", ", Namespaces.Select(n => n + "/…"))}), not a table: name one inside it or another name";
        if (segments.Length == 2 && IsVersionFolder(segments[1]))
            return $"schema name '{name}' ends in '{segments[1]}', the name of table '{segments[0]}''s version folder: its files would mix with that version's";
        return null;
    }

    private static bool IsVersionFolder(string segment) => segment.Length > 1 && segment[0] == 'v' && segment.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0;

    /// <summary>One path segment from free text: disallowed characters become <c>_</c>; empty, <c>.</c> and <c>..</c> become <c>_</c>.</summary>
    public static string Segment(string text)
    {
        var b = new StringBuilder(Math.Min(text.Length, 64));
        foreach (var c in text.Length > 64 ? text[..64] : text) b.Append(IsAllowed(c) ? c : '_');
        var s = b.ToString();
        return s is "" or "." or ".." ? "_" : s;
    }

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.';
}
