using System.Globalization;
using System.Text;
using nietras.SeparatedValues;
using SensorStream.Streams.Events;

namespace SensorStream.EdgeModule.Import;

/// <summary>A CSV row that could not be imported: its 1-based line number, why, and the raw text.</summary>
public sealed record RejectedRow(long Line, string Reason, string Text);

/// <summary>
/// One part of a file: its events, how many records it consumed (blank and bad ones included), how many rows became
/// samples, the rows it refused, whether the file's last record was read, and the bound on its events' bytes the
/// budget was checked against.
/// </summary>
internal sealed record CsvPart(IReadOnlyList<SampleBatch> Batches, long Records, long Rows, IReadOnlyList<RejectedRow> Rejected, bool End, long EstimatedBytes = 0)
{
    /// <summary>The sequence after this part's last sample, or <paramref name="first"/> when it has none.</summary>
    public long NextSequence(long first) => Batches.Count > 0 ? Batches[^1].NextSequence : first;
}

/// <summary>
/// Reads one CSV file in parts with Sep (RFC 4180: quoted fields with separators, <c>""</c> and line breaks; CRLF or LF;
/// a UTF-8 BOM is skipped), streaming: memory depends on the part size, never on the file's size. The first record is
/// the header (<see cref="CsvHeader"/>): a <c>TimestampNanos</c> column (integer ns since the Unix epoch) and numeric
/// value columns, which become double columns. Only the first <c>length</c> bytes (the size when the file was taken)
/// are read, and they are hashed, so <see cref="ConsumedHash"/> tells whether the file changed while it was read.
/// </summary>
internal sealed class CsvFileReader : IDisposable
{
    private readonly HashingReadStream _bytes;
    private readonly SepReader _reader;
    private readonly CsvDialect _dialect;
    private readonly NumberFormatInfo _numbers;
    private readonly string _sensorId;

    private CsvFileReader(string path, long length, CsvDialect dialect, string sensorId, Encoding? encoding)
    {
        _dialect = dialect;
        _numbers = dialect.DecimalSeparator == '.' ? NumberFormatInfo.InvariantInfo : dialect.Numbers;
        _sensorId = sensorId;
        _bytes = new HashingReadStream(
            new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan), length);
        var text = new StreamReader(_bytes, encoding ?? dialect.Encoding, detectEncodingFromByteOrderMarks: false, bufferSize: 1 << 16);
        while (text.Peek() == '\uFEFF') text.Read(); // a second BOM, as concatenating files leaves, must not hide a quoted first field
        _reader = Sep.New(dialect.Separator)
            .Reader(o => o with { HasHeader = false, Unescape = true, Trim = SepTrim.Outer, DisableColCountCheck = true })
            .From(text);
        if (!_reader.MoveNext()) return; // an empty file: no header, nothing to import
        var first = _reader.Current;
        var fields = new string[first.ColCount];
        for (var i = 0; i < fields.Length; i++) fields[i] = first[i].ToString();
        HeaderText = first.Span.ToString();
        (Header, HeaderProblem) = CsvHeader.Parse(fields, sensorId, dialect.Separator);
    }

    /// <summary>
    /// Opens the file and reads its header; IO errors and (for a file changed since it was checked) <see cref="DecoderFallbackException"/>
    /// propagate. <paramref name="encoding"/> overrides the dialect's (the file's own, <see cref="CsvFileIdentity.Encoding"/>).
    /// </summary>
    public static CsvFileReader Open(string path, long length, CsvDialect dialect, string sensorId, Encoding? encoding = null) =>
        new(path, length, dialect, sensorId, encoding);

    /// <summary>The header, or null when the file is empty or its header is refused (<see cref="HeaderProblem"/>).</summary>
    public CsvHeader? Header { get; }

    public string? HeaderProblem { get; }

    /// <summary>The header record as written (empty for an empty file).</summary>
    public string HeaderText { get; } = "";

    /// <summary>Bytes read so far.</summary>
    public long ConsumedBytes => _bytes.Position;

    /// <summary>XxHash128 of the bytes read so far (compare with the identity's hash once the file was read to its end).</summary>
    public string ConsumedHash() => _bytes.Hash();

    /// <summary>Skips <paramref name="records"/> records (resuming after a restart); false when the file ended first.</summary>
    public bool Skip(long records)
    {
        for (long i = 0; i < records; i++)
            if (!_reader.MoveNext()) return false;
        return true;
    }

    /// <summary>
    /// Reads records until the events' byte bound (<see cref="CsvHeader.FixedBytes"/> per event + <see cref="CsvHeader.RowBytes"/>
    /// per row) would pass <paramref name="budgetBytes"/>, <paramref name="maxRecords"/> records were read, or the file ends.
    /// Events hold at most <paramref name="batchSize"/> rows (fewer when the 8 MiB event limit needs it); sequences start at
    /// <paramref name="firstSequence"/>. Blank records are skipped.
    /// </summary>
    public CsvPart ReadPart(long firstSequence, long budgetBytes, int batchSize, long maxRecords)
    {
        var header = Header ?? throw new InvalidOperationException("the file has no usable header");
        var rowsPerEvent = Math.Min(batchSize, header.MaxRowsPerEvent);
        var columns = header.ValueColumns;
        var batches = new List<SampleBatch>();
        var rejected = new List<RejectedRow>();
        var timestamps = new List<long>(rowsPerEvent);
        var values = columns.Select(_ => new List<double>(rowsPerEvent)).ToArray();
        var row = new double[columns.Length];
        long estimate = 0, records = 0, rows = 0;
        var next = firstSequence;
        var end = false;
        while (records < maxRecords)
        {
            var need = (timestamps.Count == 0 ? header.FixedBytes : 0) + header.RowBytes;
            if (estimate + need > budgetBytes && estimate > 0) break;
            if (!_reader.MoveNext())
            {
                end = true;
                break;
            }
            records++;
            var record = _reader.Current;
            if (record.ColCount == 1 && record.Span.IsEmpty) continue;
            if (ParseRow(record, header, row, out var timestamp) is { } reason)
            {
                rejected.Add(new RejectedRow(record.LineNumberFrom, reason, record.Span.ToString()));
                continue;
            }
            rows++;
            estimate += need;
            timestamps.Add(timestamp);
            for (var c = 0; c < columns.Length; c++) values[c].Add(row[c]);
            if (timestamps.Count == rowsPerEvent) Emit();
        }
        if (timestamps.Count > 0) Emit();
        return new CsvPart(batches, records, rows, rejected, end, estimate);

        void Emit()
        {
            var batch = new SampleBatch(_sensorId, next, [.. timestamps]);
            for (var c = 0; c < columns.Length; c++) batch.WithColumn(header.Names[columns[c]], values[c].ToArray());
            batches.Add(batch);
            next = batch.NextSequence;
            timestamps.Clear();
            foreach (var v in values) v.Clear();
        }
    }

    /// <summary>Null when the row is good; otherwise the reason it is not.</summary>
    private string? ParseRow(SepReader.Row record, CsvHeader header, double[] row, out long timestamp)
    {
        timestamp = 0;
        if (record.ColCount != header.Names.Length) return $"has {record.ColCount} fields, the header has {header.Names.Length}";
        var time = record[header.TimeColumn].Span;
        if (!long.TryParse(time, NumberStyles.Integer, CultureInfo.InvariantCulture, out timestamp) || timestamp < 0)
            return $"{SampleBatch.TimestampField} '{time}' is not a non-negative integer (ns since the Unix epoch)";
        for (var c = 0; c < header.ValueColumns.Length; c++)
        {
            var field = record[header.ValueColumns[c]].Span;
            if (!double.TryParse(field, NumberStyles.Float, _numbers, out row[c]) || !double.IsFinite(row[c]))
                return $"column {header.Names[header.ValueColumns[c]]}: '{field}' is not a finite number" +
                       (_dialect.DecimalSeparator == '.' && field.Contains(',') ? " (a decimal comma needs --csv-decimal-separator ',')" : "");
        }
        return null;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _bytes.Dispose();
    }
}
