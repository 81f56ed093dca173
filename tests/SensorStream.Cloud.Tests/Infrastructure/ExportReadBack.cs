using System.Globalization;
using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Parquet;
using Parquet.Schema;

namespace SensorStream.Cloud.Tests.Infrastructure;

/// <summary>
/// Reads exported files back with their own parsers (a small RFC 4180 reader; Parquet.Net's column reader) into rows
/// keyed by (SensorId, Sequence), values as invariant text, missing values left out. Counts duplicates instead of
/// overwriting them, so exactly-once is checked, not assumed.
/// </summary>
public sealed class ExportReadBack
{
    public Dictionary<(string, long), Dictionary<string, string>> Rows { get; } = [];

    public List<(string, long)> Duplicates { get; } = [];

    public List<string> Files { get; } = [];

    public static async Task<ExportReadBack> ReadAsync(BlobServiceClient service, string prefix)
    {
        var result = new ExportReadBack();
        var container = service.GetBlobContainerClient("exports");
        if (!await container.ExistsAsync()) return result;
        await foreach (var item in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, default))
        {
            if (item.Name[(item.Name.LastIndexOf('/') + 1)..].StartsWith('_')) continue; // completeness markers (_SUCCESS, _manifest.v{n}.json)
            result.Files.Add(item.Name);
            var content = (await container.GetBlobClient(item.Name).DownloadContentAsync()).Value.Content;
            if (item.Name.EndsWith(".csv", StringComparison.Ordinal)) result.AddCsv(content.ToString());
            else if (item.Name.EndsWith(".parquet", StringComparison.Ordinal)) await result.AddParquetAsync(content.ToStream());
            else throw new InvalidDataException($"unexpected export blob {item.Name}");
        }
        return result;
    }

    private void Add(Dictionary<string, string> row)
    {
        var key = (row["SensorId"], long.Parse(row["Sequence"], CultureInfo.InvariantCulture));
        if (!Rows.TryAdd(key, row)) Duplicates.Add(key);
    }

    private void AddCsv(string text)
    {
        var records = CsvRecords(text).ToList();
        var header = records[0];
        foreach (var record in records.Skip(1))
        {
            Assert.Equal(header.Count, record.Count);
            var row = new Dictionary<string, string>();
            for (var c = 0; c < header.Count; c++) if (record[c].Length > 0) row[header[c]] = record[c];
            Add(row);
        }
    }

    /// <summary>RFC 4180: CRLF records, quoted fields with doubled quotes.</summary>
    public static IEnumerable<List<string>> CsvRecords(string text)
    {
        var record = new List<string>();
        var field = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '"')
            {
                for (i++; ; i++)
                {
                    if (text[i] == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                    else if (text[i] == '"') { i++; break; }
                    else field.Append(text[i]);
                }
                continue;
            }
            if (c == ',') { record.Add(field.ToString()); field.Clear(); i++; continue; }
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                record.Add(field.ToString()); field.Clear();
                yield return record;
                record = [];
                i += 2;
                continue;
            }
            if (c == '\n') throw new InvalidDataException($"bare LF at {i}: records must end with CRLF");
            field.Append(c);
            i++;
        }
        if (field.Length > 0 || record.Count > 0) throw new InvalidDataException("last record has no CRLF");
    }

    private async Task AddParquetAsync(Stream content)
    {
        await using var reader = await ParquetReader.CreateAsync(content);
        var fields = reader.Schema.GetDataFields();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var n = checked((int)group.RowCount);
            var rows = Enumerable.Range(0, n).Select(_ => new Dictionary<string, string>()).ToArray();
            foreach (var field in fields)
            {
                var text = await ReadColumnAsync(group, field, n);
                for (var r = 0; r < n; r++) if (text[r] is { } v) rows[r][field.Name] = v;
            }
            foreach (var row in rows) Add(row);
        }
    }

    private static async Task<string?[]> ReadColumnAsync(ParquetRowGroupReader group, DataField field, int n)
    {
        if (field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>))
        {
            var values = new string?[n];
            await group.ReadAsync(field, values.AsMemory(), null);
            return values;
        }
        if (field.ClrType == typeof(long))
        {
            if (!field.IsNullable)
            {
                var values = new long[n];
                await group.ReadAsync(field, values.AsMemory(), null);
                return values.Select(v => (string?)v.ToString(CultureInfo.InvariantCulture)).ToArray();
            }
            var nullable = new long?[n];
            await group.ReadAsync(field, nullable.AsMemory(), null);
            return nullable.Select(v => v?.ToString(CultureInfo.InvariantCulture)).ToArray();
        }
        if (field.ClrType == typeof(double))
        {
            if (!field.IsNullable)
            {
                var values = new double[n];
                await group.ReadAsync(field, values.AsMemory(), null);
                return values.Select(v => (string?)TestEvents.Text(v)).ToArray();
            }
            var nullable = new double?[n];
            await group.ReadAsync(field, nullable.AsMemory(), null);
            return nullable.Select(v => v is { } d ? TestEvents.Text(d) : null).ToArray();
        }
        if (field.ClrType == typeof(DateTime) && !field.IsNullable)
        {
            var values = new DateTime[n];
            await group.ReadAsync(field, values.AsMemory(), null);
            return values.Select(v => (string?)TestEvents.Text(v)).ToArray();
        }
        throw new InvalidDataException($"column {field.Name} has unexpected type {field.ClrType}");
    }

    /// <summary>Asserts exactly the expected rows, each once, with the same values.</summary>
    public void AssertExactly(Dictionary<(string, long), Dictionary<string, string>> expected)
    {
        Assert.Empty(Duplicates);
        var missing = expected.Keys.Where(k => !Rows.ContainsKey(k)).Take(5).ToList();
        var extra = Rows.Keys.Where(k => !expected.ContainsKey(k)).Take(5).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"missing {expected.Keys.Count(k => !Rows.ContainsKey(k))} rows (e.g. {string.Join(", ", missing)}), extra {Rows.Keys.Count(k => !expected.ContainsKey(k))} (e.g. {string.Join(", ", extra)})");
        foreach (var (key, want) in expected)
        {
            var got = Rows[key];
            Assert.True(want.Count == got.Count && want.All(kv => got.TryGetValue(kv.Key, out var v) && v == kv.Value),
                $"row {key}: expected {Show(want)} but read {Show(got)}");
        }
    }

    private static string Show(Dictionary<string, string> row) => string.Join(", ", row.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}"));
}
