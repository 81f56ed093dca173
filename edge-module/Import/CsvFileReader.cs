using System.Text;
using nietras.SeparatedValues;
using SensorStream.EdgeModule.Queue;
using SensorStream.Streams.Events;

namespace SensorStream.EdgeModule.Import;

/// <summary>A CSV row that could not be imported: its 1-based line number, why, and the raw text.</summary>
public sealed record RejectedRow(long Line, string Reason, string Text);

/// <summary>
/// One part of a file: its events, how many records it consumed (blank and bad ones included), how many rows became
/// samples, the rows it refused, whether the file's last record was read, and the bound on its events' bytes the
/// budget was checked against.
/// </summary>
internal sealed record CsvPart(IReadOnlyList<EncodedEvent> Events, long Records, long Rows, IReadOnlyList<RejectedRow> Rejected, bool End, long EstimatedBytes = 0)
{
    /// <summary>The sequence after this part's last sample, or <paramref name="first"/> when it has none.</summary>
    public long NextSequence(long first) => Events.Count > 0 ? Events[^1].NextSequence : first;
}

/// <summary>
/// Reads one CSV file in parts with Sep (RFC 4180: quoted fields with separators, <c>""</c> and line breaks; CRLF or LF;
/// a UTF-8 BOM is skipped), streaming: memory depends on the part size, never on the file's size. The first record is
/// the header (<see cref="CsvHeader"/>): a <c>TimestampNanos</c> column (integer ns since the Unix epoch) and numeric
/// value columns, which become double columns; each part's events are written as JSON from the fields' text
/// (<see cref="CsvEventWriter"/>), so a part read ahead on another thread is also encoded there. Only the first <c>length</c> bytes (the size when the file was taken)
/// are read, and they are hashed, so <see cref="ConsumedHash"/> tells whether the file changed while it was read.
/// </summary>
internal sealed class CsvFileReader : IDisposable
{
    private readonly HashingReadStream _bytes;
    private readonly SepReader _reader;
    private readonly CsvDialect _dialect;
    private readonly string _sensorId;
    private CsvEventWriter? _writer;

    private CsvFileReader(string path, long length, CsvDialect dialect, string sensorId, Encoding? encoding)
    {
        _dialect = dialect;
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
        var writer = _writer ??= new CsvEventWriter(header, _dialect, _sensorId);
        var events = new List<EncodedEvent>();
        var rejected = new List<RejectedRow>();
        long estimate = 0, records = 0, rows = 0;
        var next = firstSequence;
        var end = false;
        while (records < maxRecords)
        {
            var need = (writer.Rows == 0 ? header.FixedBytes : 0) + header.RowBytes;
            if (estimate + need > budgetBytes && estimate > 0) break;
            if (!_reader.MoveNext())
            {
                end = true;
                break;
            }
            records++;
            var record = _reader.Current;
            if (record.ColCount == 1 && record.Span.IsEmpty) continue;
            if (writer.Add(record) is { } reason)
            {
                rejected.Add(new RejectedRow(record.LineNumberFrom, reason, record.Span.ToString()));
                continue;
            }
            rows++;
            estimate += need;
            if (writer.Rows == rowsPerEvent) Emit();
        }
        if (writer.Rows > 0) Emit();
        return new CsvPart(events, records, rows, rejected, end, estimate);

        void Emit()
        {
            var e = writer.Emit(_sensorId, next);
            events.Add(e);
            next = e.NextSequence;
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _bytes.Dispose();
    }
}
