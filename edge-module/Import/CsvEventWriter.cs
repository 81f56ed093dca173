using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using nietras.SeparatedValues;
using SensorStream.EdgeModule.Queue;
using SensorStream.Streams.Events;

namespace SensorStream.EdgeModule.Import;

/// <summary>
/// Writes the events of a CSV file straight from its fields' text, in <see cref="SampleBatchJson"/>'s wire format
/// (<c>{"SensorId":…,"FirstSequence":…,"TimestampNanos":[…],"&lt;column&gt;":[…],…}</c>, value columns as JSON floating-point
/// numbers): each row's values are appended to one UTF-8 buffer per column (<see cref="CsvNumberText"/>), and
/// <see cref="Emit"/> joins the buffers into one event. No double is parsed and formatted again unless a field's text is
/// not already a JSON number. A refused row leaves nothing behind. Memory: the buffers of one event, reused.
/// </summary>
internal sealed class CsvEventWriter
{
    private readonly CsvHeader _header;
    private readonly char _decimalSeparator;
    private readonly NumberFormatInfo _numbers;
    private readonly byte[] _prefix;
    private readonly byte[][] _names;
    private readonly Column[] _columns;

    /// <summary>A writer for <paramref name="header"/>'s columns of <paramref name="sensorId"/>'s events in <paramref name="dialect"/>.</summary>
    public CsvEventWriter(CsvHeader header, CsvDialect dialect, string sensorId)
    {
        _header = header;
        _decimalSeparator = dialect.DecimalSeparator;
        _numbers = dialect.DecimalSeparator == '.' ? NumberFormatInfo.InvariantInfo : dialect.Numbers;
        _prefix = [.. "{\""u8, .. Name(SampleBatch.SensorIdField), .. "\":\""u8, .. Name(sensorId), .. "\",\""u8,
            .. Name(SampleBatch.FirstSequenceField), .. "\":"u8];
        _names = [[.. ",\""u8, .. Name(SampleBatch.TimestampField), .. "\":["u8],
            .. header.ValueColumns.Select(c => (byte[])[.. "],\""u8, .. Name(header.Names[c]), .. "\":["u8])];
        _columns = [.. _names.Select(_ => new Column())];
    }

    /// <summary>Rows appended since the last <see cref="Emit"/>.</summary>
    public int Rows { get; private set; }

    /// <summary>Appends the row; null when it is good, otherwise why it is refused (and nothing of it is kept).</summary>
    public string? Add(SepReader.Row record)
    {
        if (record.ColCount != _header.Names.Length) return $"has {record.ColCount} fields, the header has {_header.Names.Length}";
        var time = record[_header.TimeColumn].Span;
        var n = CsvNumberText.NonNegativeInteger(time, _columns[0].Free());
        if (n < 0)
            return $"{SampleBatch.TimestampField} '{time}' is not a non-negative integer (ns since the Unix epoch)";
        _columns[0].Append(n);
        for (var c = 0; c < _header.ValueColumns.Length; c++)
        {
            var field = record[_header.ValueColumns[c]].Span;
            var m = CsvNumberText.Double(field, _decimalSeparator, _numbers, _columns[c + 1].Free());
            if (m < 0)
            {
                for (var k = 0; k <= c; k++) _columns[k].Undo();
                return $"column {_header.Names[_header.ValueColumns[c]]}: '{field}' is not a finite number" +
                       (_decimalSeparator == '.' && field.Contains(',') ? " (a decimal comma needs --csv-decimal-separator ',')" : "");
            }
            _columns[c + 1].Append(m);
        }
        Rows++;
        return null;
    }

    /// <summary>The event of the rows appended since the last call (at least one), whose first sample has <paramref name="firstSequence"/>.</summary>
    public EncodedEvent Emit(string sensorId, long firstSequence)
    {
        Span<byte> sequence = stackalloc byte[20];
        Utf8Formatter.TryFormat(firstSequence, sequence, out var sequenceBytes);
        var length = _prefix.Length + sequenceBytes + 2;
        for (var c = 0; c < _columns.Length; c++) length += _names[c].Length + _columns[c].Length - 1;
        var data = new byte[length];
        var at = data.AsSpan();
        _prefix.CopyTo(at);
        at = at[_prefix.Length..];
        sequence[..sequenceBytes].CopyTo(at);
        at = at[sequenceBytes..];
        for (var c = 0; c < _columns.Length; c++)
        {
            _names[c].CopyTo(at);
            at = at[_names[c].Length..];
            _columns[c].Written[..^1].CopyTo(at); // without the last value's comma
            at = at[(_columns[c].Length - 1)..];
            _columns[c].Clear();
        }
        "]}"u8.CopyTo(at);
        var rows = Rows;
        Rows = 0;
        return new EncodedEvent(sensorId, firstSequence, rows, data);
    }

    private static byte[] Name(string text) => JsonEncodedText.Encode(text).EncodedUtf8Bytes.ToArray();

    /// <summary>One column's values of the current event: UTF-8 JSON numbers, each followed by a comma.</summary>
    private sealed class Column
    {
        private byte[] _bytes = new byte[4096];
        private int _lastLength;

        public int Length { get; private set; }

        public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, Length);

        /// <summary>Room for one more value and its comma (grown when needed).</summary>
        public Span<byte> Free()
        {
            if (_bytes.Length - Length < CsvNumberText.MaxBytes + 1) Array.Resize(ref _bytes, _bytes.Length * 2);
            return _bytes.AsSpan(Length, CsvNumberText.MaxBytes);
        }

        /// <summary>Keeps the <paramref name="valueBytes"/> written into <see cref="Free"/> and a comma.</summary>
        public void Append(int valueBytes)
        {
            _lastLength = Length;
            _bytes[Length + valueBytes] = (byte)',';
            Length += valueBytes + 1;
        }

        /// <summary>Drops the value appended last.</summary>
        public void Undo() => Length = _lastLength;

        public void Clear() => Length = _lastLength = 0;
    }
}
