using System.Text.Json;
using System.Text.Json.Nodes;

namespace SensorStream.Streams.Exporting;

/// <summary>
/// The declared types of a CSV table version's columns, written beside its files as
/// <c>csv/{scope}/{stream}/{table}/v{version}/_schema.json</c> (create-only, before the version's first CSV file), so
/// a reader that guesses CSV types can be given them: DuckDB types a column that is empty in every row it samples
/// as VARCHAR although Parquet says DOUBLE (measured with DuckDB 1.5 in ExportDuckDbTests). Read with DuckDB:
/// <code>
/// SET VARIABLE t = (SELECT types FROM read_json('…/nic/v1/_schema.json'));
/// SELECT * FROM read_csv('…/nic/v1/**/*.csv', hive_partitioning = true, types = getvariable('t'));
/// </code>
/// The leading <c>_</c> keeps it out of <c>*.csv</c> globs, of Spark/Hive listings and of the partition manifests.
/// Content: <c>{"table": "nic", "version": 1, "types": {"SensorId": "VARCHAR", "Sequence": "BIGINT", …}}</c>, every
/// column of the files in file order with its DuckDB type name.
/// </summary>
public static class CsvColumnTypes
{
    /// <summary>The file name inside a table version's folder.</summary>
    public const string FileName = "_schema.json";

    /// <summary>Every column of <paramref name="schema"/>'s files (fixed columns first, as written) with its DuckDB type.</summary>
    public static IReadOnlyList<(string Column, string DuckDbType)> Of(TableSchema schema) =>
        ExportTableBuilder.Build(schema, []).Columns.Select(c => (c.Name, DuckDbType(c.Kind))).ToList();

    /// <summary>The JSON written as <see cref="FileName"/>.</summary>
    public static string Json(TableSchema schema)
    {
        var types = new JsonObject();
        foreach (var (column, type) in Of(schema)) types[column] = type;
        var file = new JsonObject { ["table"] = schema.Table, ["version"] = schema.Version, ["types"] = types };
        return file.ToJsonString(Indented);
    }

    /// <summary>DuckDB's name of the type a column of <paramref name="kind"/> is written with (Parquet and CSV alike).</summary>
    public static string DuckDbType(ColumnKind kind) => kind switch
    {
        ColumnKind.String => "VARCHAR",
        ColumnKind.Long => "BIGINT",
        ColumnKind.Double => "DOUBLE",
        ColumnKind.Timestamp => "TIMESTAMPTZ",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a column kind"),
    };

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
