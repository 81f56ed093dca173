namespace SensorStream.Streams.Exporting;

public enum ColumnKind
{
    String,
    Long,
    Double,
}

/// <summary>
/// One typed column of an export table. Exactly one of the value arrays is set (by <see cref="Kind"/>);
/// <see cref="Present"/> is null when every row has a value, else false marks the rows without one
/// (an event that lacks the column, e.g. a NIC sample in a file that also holds accelerometer samples).
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

    public bool[]? Present { get; }

    public bool HasNulls => Present is not null;

    public bool IsPresent(int row) => Present is null || Present[row];

    public static ExportColumn Create(string name, ColumnKind kind, int rows, bool[]? present) => kind switch
    {
        ColumnKind.String => new(name, kind, new string?[rows], null, null, present),
        ColumnKind.Long => new(name, kind, null, new long[rows], null, present),
        ColumnKind.Double => new(name, kind, null, null, new double[rows], present),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The rows <paramref name="rows"/> of this column, in that order.</summary>
    public ExportColumn Select(int[] rows)
    {
        bool[]? present = null;
        if (Present is not null)
        {
            var p = Array.ConvertAll(rows, r => Present[r]);
            if (Array.IndexOf(p, false) >= 0) present = p;
        }
        return new ExportColumn(Name, Kind,
            Strings is null ? null : Array.ConvertAll(rows, r => Strings[r]),
            Longs is null ? null : Array.ConvertAll(rows, r => Longs[r]),
            Doubles is null ? null : Array.ConvertAll(rows, r => Doubles[r]),
            present);
    }
}
