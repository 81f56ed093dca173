using Azure.Storage.Blobs;
using DuckDB.NET.Data;
using SensorStream.Streams.Exporting;
using SensorStream.Streams.Naming;

namespace SensorStream.Cloud.Tests.Infrastructure;

/// <summary>Exported blobs downloaded to a folder and read by DuckDB (a reader this project did not write).</summary>
public static class DuckDbExports
{
    /// <summary>The fixed columns of every table version as DuckDB describes them (name, type).</summary>
    public static readonly string[] FixedColumns = ["SensorId VARCHAR", "Sequence BIGINT", "TimestampNanos BIGINT", "Timestamp TIMESTAMP WITH TIME ZONE"];

    /// <summary>The Hive partition columns as DuckDB types them (the hour without a leading zero reads as BIGINT).</summary>
    public static readonly string[] PartitionColumns = ["date DATE", "hour BIGINT"];

    /// <summary>Downloads every CSV and Parquet file of <paramref name="stream"/> to <paramref name="folder"/>, keeping the blob names as paths.</summary>
    public static async Task DownloadAsync(BlobServiceClient blobs, StreamName stream, string folder)
    {
        var catalog = new ExportCatalog(blobs);
        foreach (var format in new[] { ExportFormat.Parquet, ExportFormat.Csv })
        {
            await foreach (var file in catalog.ListAsync(stream, format))
            {
                var path = Path.Combine(folder, file.Name);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await using var output = File.Create(path);
                await catalog.DownloadAsync(file.Name, output);
            }
        }
    }

    /// <summary>Every row <paramref name="sql"/> returns, its values as DuckDB.NET gives them.</summary>
    public static List<object[]> Query(DuckDBConnection duck, string sql)
    {
        using var command = duck.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object[]>();
        while (reader.Read())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>The single value <paramref name="sql"/> returns.</summary>
    public static object Scalar(DuckDBConnection duck, string sql) => Query(duck, sql).Single()[0];

    /// <summary>
    /// The table function that reads one table version as functions/README documents it; for CSV it first sets the
    /// DuckDB variable <c>types</c> from the version's <c>_schema.json</c>.
    /// </summary>
    public static string Source(DuckDBConnection duck, string format, string folder)
    {
        if (format == "parquet") return $"read_parquet('{folder}/**/*.parquet', hive_partitioning = true)";
        Query(duck, $"SET VARIABLE types = (SELECT types FROM read_json('{folder}/{CsvColumnTypes.FileName}'))");
        return $"read_csv('{folder}/**/*.csv', hive_partitioning = true, types = getvariable('types'))";
    }

    /// <summary>The table-version folders (everything before <c>/date=</c>) that hold files of <paramref name="format"/>.</summary>
    public static IEnumerable<string> TableFolders(string root, string format) =>
        Directory.GetFiles(root, "*." + format, SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Select(f => f[..f.IndexOf("/date=", StringComparison.Ordinal)]).Distinct().Order();
}
