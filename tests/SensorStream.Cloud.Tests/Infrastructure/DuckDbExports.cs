using Azure.Storage.Blobs;
using DuckDB.NET.Data;
using SensorStream.Streams.Exporting;
using SensorStream.Streams.Naming;

namespace SensorStream.Cloud.Tests.Infrastructure;

/// <summary>Exported blobs downloaded to a folder and read by DuckDB (a reader this project did not write).</summary>
public static class DuckDbExports
{
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
}
