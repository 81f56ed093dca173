namespace SensorStream.Streams.Naming;

/// <summary>
/// The one rule set for exported column names, so that every reader (DuckDB, Spark, pandas, Hive-aware engines,
/// spreadsheets) sees each sensor's own values. The exporter applies it; the edge CSV importer may apply it to a
/// header first, with the same result (the rule is idempotent: an assigned name is never renamed again).
/// <list type="bullet">
/// <item>Names are unique without regard to case (<c>Temp</c>/<c>temp</c> are one name to DuckDB, Spark SQL, Hive).</item>
/// <item>Reserved (case-insensitive): the fixed columns <see cref="Fixed"/>, the event fields <see cref="EventFields"/>
/// and the partition keys <see cref="PartitionKeys"/> (a column <c>hour</c> would be shadowed by the <c>hour=</c> folder).</item>
/// <item>A name that is reserved or already taken gets the first free suffix <c>_1</c>, <c>_2</c>, … (DuckDB's rule for
/// duplicate CSV headers): <c>hour</c> → <c>hour_1</c>, a second <c>temp</c> → <c>temp_1</c>.</item>
/// <item>An empty or blank name becomes <c>column</c> (then suffixed); control characters become <c>_</c>.</item>
/// </list>
/// </summary>
public static class ColumnNames
{
    /// <summary>Columns every exported table starts with.</summary>
    public static readonly IReadOnlyList<string> Fixed = ["SensorId", "Sequence", "TimestampNanos", "Timestamp"];

    /// <summary>Fields of the event envelope that are not sample columns.</summary>
    public static readonly IReadOnlyList<string> EventFields = ["FirstSequence", "Schema", "SchemaVersion"];

    /// <summary>Hive partition keys of the export layout (<c>date=YYYY-MM-DD/hour=H</c>).</summary>
    public static readonly IReadOnlyList<string> PartitionKeys = ["date", "hour"];

    /// <summary>True when <paramref name="name"/> equals a fixed column, event field or partition key, ignoring case.</summary>
    public static bool IsReserved(string name) =>
        Fixed.Concat(EventFields).Concat(PartitionKeys).Any(r => string.Equals(r, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>A set for <see cref="Assign(string, ISet{string})"/>: case-insensitive, empty.</summary>
    public static HashSet<string> NewTakenSet() => new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The exported name for a source column <paramref name="name"/>, given the names already
    /// <paramref name="taken"/> in the table (a set from <see cref="NewTakenSet"/>); adds the result to it.
    /// </summary>
    public static string Assign(string name, ISet<string> taken)
    {
        var clean = string.IsNullOrWhiteSpace(name) ? "column" : new string(name.Select(c => char.IsControl(c) ? '_' : c).ToArray());
        var result = clean;
        for (var i = 1; IsReserved(result) || taken.Contains(result); i++) result = $"{clean}_{i}";
        taken.Add(result);
        return result;
    }

    /// <summary>Exported names for a whole header, in order (for the CSV importer): unique, none reserved.</summary>
    public static IReadOnlyList<string> Assign(IEnumerable<string> names)
    {
        var taken = NewTakenSet();
        return names.Select(n => Assign(n, taken)).ToList();
    }
}
