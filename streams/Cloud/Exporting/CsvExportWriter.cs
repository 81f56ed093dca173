using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using SensorStream.Streams.Events;

namespace SensorStream.Streams.Exporting;

/// <summary>
/// RFC 4180 CSV: a header row, CRLF line ends, fields holding the separator, a quote, CR or LF quoted with inner
/// quotes doubled (separator and byte order mark per <see cref="CsvDialect"/>). Integers are written invariant;
/// doubles in shortest round-trip form that always shows a decimal point or exponent (<c>20.0</c>, see
/// <see cref="DoubleText"/>), so a reader types the column as floating point; the <c>Timestamp</c> column is
/// ISO 8601 UTC with microseconds (<c>2026-11-26T10:00:00.123456Z</c>), beside the exact <c>TimestampNanos</c>.
/// A missing value is an empty field. Hand-written over a pooled UTF-8 buffer because formatting dominates export
/// time (CsvHelper 34 measured slower here): a string is encoded (and quoted) once per run of the same value (scalars
/// and sensor ids repeat row after row), a timestamp's text up to the second once per second, and blocks of
/// <see cref="BlockRows"/> rows are formatted in parallel (one per core) and written in order.
/// </summary>
public static class CsvExportWriter
{
    /// <summary>Rows formatted together (in parallel with the next blocks, one pooled buffer each).</summary>
    public const int BlockRows = 8192;

    public static async Task WriteAsync(ExportTable table, Stream output, CancellationToken ct = default) =>
        await WriteAsync(table, output, CsvDialect.Rfc4180, ct).ConfigureAwait(false);

    public static async Task WriteAsync(ExportTable table, Stream output, CsvDialect dialect, CancellationToken ct = default)
    {
        var header = new Utf8Block(4096);
        try
        {
            if (dialect.ByteOrderMark) header.Put(Encoding.UTF8.GetPreamble());
            for (var c = 0; c < table.Columns.Count; c++)
            {
                if (c > 0) header.Put((byte)dialect.Separator);
                header.Put(Cell.Encode(table.Columns[c].Name, dialect.Separator));
            }
            header.Put("\r\n"u8);
            await output.WriteAsync(header.Written, ct).ConfigureAwait(false);
        }
        finally
        {
            header.Return();
        }

        var inFlight = new Queue<Task<Utf8Block>>();
        var parallel = Math.Max(1, Environment.ProcessorCount);
        var next = 0;
        try
        {
            while (next < table.RowCount || inFlight.Count > 0)
            {
                while (inFlight.Count < parallel && next < table.RowCount)
                {
                    var (from, to) = (next, Math.Min(table.RowCount, next + BlockRows));
                    inFlight.Enqueue(Task.Run(() => FormatRows(table, from, to, dialect.Separator), ct));
                    next = to;
                }
                var block = await inFlight.Dequeue().ConfigureAwait(false);
                try
                {
                    await output.WriteAsync(block.Written, ct).ConfigureAwait(false);
                }
                finally
                {
                    block.Return();
                }
            }
        }
        finally
        {
            foreach (var task in inFlight)
            {
                try
                {
                    (await task.ConfigureAwait(false)).Return();
                }
                catch (Exception)
                {
                    // The write failed or was cancelled: the blocks still formatting are not wanted.
                }
            }
        }
    }

    /// <summary>Rows <paramref name="from"/>..<paramref name="to"/> (exclusive) as CSV lines in a pooled buffer.</summary>
    private static Utf8Block FormatRows(ExportTable table, int from, int to, char separator)
    {
        var cells = table.Columns.Select(c => new Cell(c, separator)).ToArray();
        var block = new Utf8Block((to - from) * (cells.Length * 24 + 2) + 1024);
        var sep = (byte)separator;
        for (var row = from; row < to; row++)
        {
            for (var c = 0; c < cells.Length; c++)
            {
                if (c > 0) block.Put(sep);
                cells[c].Put(row, ref block);
            }
            block.Put("\r\n"u8);
        }
        return block;
    }

    /// <summary>A growable UTF-8 buffer rented from the shared pool; <see cref="Return"/> gives it back.</summary>
    private struct Utf8Block(int capacity)
    {
        /// <summary>Room every number or timestamp field may take.</summary>
        public const int FieldRoom = 64;

        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, FieldRoom * 4));
        private int _length;

        public readonly ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _length);

        /// <summary>Free space of at least <paramref name="bytes"/> at the end; commit what was used with <see cref="Advance"/>.</summary>
        public Span<byte> Reserve(int bytes)
        {
            if (_buffer.Length - _length < bytes)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + bytes));
                _buffer.AsSpan(0, _length).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = bigger;
            }
            return _buffer.AsSpan(_length);
        }

        public void Advance(int bytes) => _length += bytes;

        public void Put(byte value)
        {
            Reserve(1)[0] = value;
            _length++;
        }

        public void Put(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(Reserve(bytes.Length));
            _length += bytes.Length;
        }

        public readonly void Return() => ArrayPool<byte>.Shared.Return(_buffer);
    }

    /// <summary>One column's formatter, with its caches (the last string's encoded field, the current second's timestamp text).</summary>
    private sealed class Cell(ExportColumn column, char separator)
    {
        private const long NanosPerSecond = 1_000_000_000;
        private readonly ColumnKind _kind = column.Kind;
        private readonly bool[]? _present = column.Present;
        private readonly long[]? _longs = column.Longs;
        private readonly double[]? _doubles = column.Doubles;
        private readonly string?[]? _strings = column.Strings;
        private string? _lastString;
        private byte[] _lastField = [];
        private long _second = -1;
        private readonly byte[] _secondText = new byte[20]; // yyyy-MM-ddTHH:mm:ss.

        /// <summary>Appends the field of <paramref name="row"/> (nothing for an absent value).</summary>
        public void Put(int row, ref Utf8Block block)
        {
            if (_present is not null && !_present[row]) return;
            switch (_kind)
            {
                case ColumnKind.String:
                    block.Put(Text(_strings![row] ?? ""));
                    return;
                case ColumnKind.Long:
                    // The invariant text of a long (digits, a leading '-'), without a culture look-up per value.
                    Utf8Formatter.TryFormat(_longs![row], block.Reserve(Utf8Block.FieldRoom), out var n);
                    block.Advance(n);
                    return;
                case ColumnKind.Double:
                    block.Advance(DoubleText.Format(_doubles![row], block.Reserve(Utf8Block.FieldRoom)));
                    return;
                default:
                    block.Advance(Timestamp(_longs![row], block.Reserve(Utf8Block.FieldRoom)));
                    return;
            }
        }

        /// <summary>The encoded (and, where RFC 4180 requires, quoted) field of a string, kept while the same value repeats.</summary>
        private byte[] Text(string value)
        {
            if (!ReferenceEquals(value, _lastString) && value != _lastString)
            {
                _lastField = Encode(value, separator);
                _lastString = value;
            }
            return _lastField;
        }

        /// <summary><see cref="ExportTimestamps.IsoFormat"/> of <paramref name="nanos"/>: the text up to the second cached, then 6 digits and Z.</summary>
        private int Timestamp(long nanos, Span<byte> destination)
        {
            if (nanos < 0)
            {
                ExportTimestamps.ToDateTime(nanos).TryFormat(destination, out var n, ExportTimestamps.IsoFormat, CultureInfo.InvariantCulture);
                return n;
            }
            var second = nanos / NanosPerSecond;
            if (second != _second)
            {
                ExportTimestamps.ToDateTime(second * NanosPerSecond).TryFormat(_secondText, out _, "yyyy-MM-dd'T'HH:mm:ss'.'", CultureInfo.InvariantCulture);
                _second = second;
            }
            _secondText.CopyTo(destination);
            var micros = (int)(nanos % NanosPerSecond / 1000);
            for (var i = 25; i >= 20; i--, micros /= 10) destination[i] = (byte)('0' + micros % 10);
            destination[26] = (byte)'Z';
            return 27;
        }

        /// <summary>Quotes only when RFC 4180 requires it.</summary>
        public static byte[] Encode(string value, char separator)
        {
            var needsQuotes = value.AsSpan().IndexOfAny(separator, '"', '\r') >= 0 || value.Contains('\n');
            return Encoding.UTF8.GetBytes(needsQuotes ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value);
        }
    }
}
