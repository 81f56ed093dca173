using System.Text.Json.Serialization;

namespace SensorStream.Streams.Exporting;

/// <summary>Type of an exported column: Parquet STRING / INT64 / DOUBLE / TIMESTAMP(MICROS, UTC); CSV text of each.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ColumnKind>))]
public enum ColumnKind
{
    String,
    Long,
    Double,

    /// <summary>Event time: values are ns since the Unix epoch (in <see cref="ExportColumn.Longs"/>), written as a UTC timestamp.</summary>
    Timestamp,
}

/// <summary>
/// One typed column of an export table. Exactly one of the value arrays is set (<see cref="ColumnKind.Timestamp"/>
/// uses <see cref="Longs"/>). <see cref="Optional"/> columns (every sensor column) are nullable in every file of
/// the table whether or not a row lacks a value — so all files of a table share one schema — and
/// <see cref="Present"/> marks the rows that have one. Required columns (the fixed ones) have no <see cref="Present"/>.
/// </summary>
public sealed class ExportColumn
{
    private ExportColumn(string name, ColumnKind kind, string?[]? strings, long[]? longs, double[]? doubles, bool[]? present)
    {
        Name = name;
        Kind = kind;
        Strings = strings;
        Longs = longs;
        Doubles = doubles;
        Present = present;
    }

    public string Name { get; }

    public ColumnKind Kind { get; }

    public string?[]? Strings { get; }

    public long[]? Longs { get; }

    public double[]? Doubles { get; }

    /// <summary>Per row: has a value. Null for a required column (every row has one).</summary>
    public bool[]? Present { get; }

    /// <summary>Nullable (Parquet OPTIONAL).</summary>
    public bool Optional => Present is not null;

    public bool IsPresent(int row) => Present is null || Present[row];

    /// <summary>An empty column of <paramref name="rows"/> rows; an optional one starts with every row absent.</summary>
    public static ExportColumn Create(string name, ColumnKind kind, int rows, bool optional)
    {
        var present = optional ? new bool[rows] : null;
        return kind switch
        {
            ColumnKind.String => new(name, kind, new string?[rows], null, null, present),
            ColumnKind.Long or ColumnKind.Timestamp => new(name, kind, null, new long[rows], null, present),
            ColumnKind.Double => new(name, kind, null, null, new double[rows], present),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    /// <summary>A required column over existing values (shared, not copied).</summary>
    public static ExportColumn Required(string name, ColumnKind kind, long[] values) => new(name, kind, null, values, null, null);

    /// <summary>The rows <paramref name="rows"/> of this column, in that order.</summary>
    public ExportColumn Select(int[] rows) => new(Name, Kind,
        Strings is null ? null : Array.ConvertAll(rows, r => Strings[r]),
        Longs is null ? null : Array.ConvertAll(rows, r => Longs[r]),
        Doubles is null ? null : Array.ConvertAll(rows, r => Doubles[r]),
        Present is null ? null : Array.ConvertAll(rows, r => Present[r]));
}
