using Azure.Storage.Blobs;
using Parquet;
using Parquet.Schema;
using SensorStream.Streams.Naming;
using SensorStream.Streams.Verification;

namespace SensorStream.Cli.Exports;

/// <summary>
/// Reads every exported CSV or Parquet file of a stream from the <c>exports</c> container and audits its rows by
/// SensorId + Sequence. Deliberately independent of the exporter's own code, so it can catch the exporter's bugs.
/// </summary>
public static class ExportAudit
{
    public const string Container = "exports";

    public static string Prefix(string format, StreamName stream) => $"{format}/{stream.Scope}/{stream.Stream}/";

    public static async Task<(SequenceAudit Audit, int Files)> AuditAsync(BlobServiceClient service, string format, StreamName stream, CancellationToken ct)
    {
        var container = service.GetBlobContainerClient(Container);
        var audit = new SequenceAudit();
        var files = 0;
        if (!await container.ExistsAsync(ct)) return (audit, 0);
        await foreach (var item in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, Prefix(format, stream), ct))
        {
            if (!item.Name.EndsWith("." + format, StringComparison.Ordinal)) continue;
            files++;
            await using var content = new MemoryStream();
            await container.GetBlobClient(item.Name).DownloadToAsync(content, ct);
            content.Position = 0;
            if (format == "csv") AddCsv(content, item.Name, audit);
            else await AddParquetAsync(content, item.Name, audit, ct);
        }
        return (audit, files);
    }

    private static void AddCsv(Stream content, string name, SequenceAudit audit)
    {
        using var reader = new StreamReader(content);
        int sensor = -1, sequence = -1;
        var line = 0;
        foreach (var record in CsvFields.Records(reader))
        {
            line++;
            if (line == 1)
            {
                sensor = record.IndexOf("SensorId");
                sequence = record.IndexOf("Sequence");
                if (sensor < 0 || sequence < 0) throw new InvalidDataException($"{name}: header has no SensorId/Sequence column");
                continue;
            }
            if (!long.TryParse(record[sequence], out var seq)) throw new InvalidDataException($"{name} line {line}: Sequence '{record[sequence]}' is not a number");
            audit.Add(record[sensor], seq);
        }
    }

    private static async Task AddParquetAsync(Stream content, string name, SequenceAudit audit, CancellationToken ct)
    {
        await using var reader = await ParquetReader.CreateAsync(content, cancellationToken: ct);
        var fields = reader.Schema.GetDataFields();
        var sensorField = fields.FirstOrDefault(f => f.Name == "SensorId") ?? throw new InvalidDataException($"{name}: no SensorId column");
        var sequenceField = fields.FirstOrDefault(f => f.Name == "Sequence") ?? throw new InvalidDataException($"{name}: no Sequence column");
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var rows = checked((int)group.RowCount);
            var sensors = new string?[rows];
            await group.ReadAsync(sensorField, sensors.AsMemory(), null, ct);
            var sequences = await ReadLongsAsync(group, sequenceField, rows, ct);
            for (var i = 0; i < rows; i++) audit.Add(sensors[i] ?? throw new InvalidDataException($"{name}: SensorId holds a null"), sequences[i]);
        }
    }

    private static async Task<long[]> ReadLongsAsync(ParquetRowGroupReader group, DataField field, int rows, CancellationToken ct)
    {
        if (!field.IsNullable)
        {
            var values = new long[rows];
            await group.ReadAsync(field, values.AsMemory(), null, ct);
            return values;
        }
        var nullable = new long?[rows];
        await group.ReadAsync(field, nullable.AsMemory(), null, ct);
        return nullable.Select(v => v ?? throw new InvalidDataException("Sequence holds a null")).ToArray();
    }
}
