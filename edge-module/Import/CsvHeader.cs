using System.Buffers;
using SensorStream.Streams.Events;

namespace SensorStream.EdgeModule.Import;

/// <summary>
/// A CSV file's header: the <c>TimestampNanos</c> column, the value columns (each becomes an event column) and a bound
/// on the bytes of an event: <see cref="FixedBytes"/> + rows × <see cref="RowBytes"/>. A header the events could not
/// carry is refused with the reason: no timestamp column, an unnamed, repeated or reserved value column, or names so
/// long that not even a one-row event fits the event limit (<see cref="SampleBatchJson.MaxEventBytes"/>, 8 MiB).
/// </summary>
internal sealed record CsvHeader(string[] Names, int TimeColumn, int[] ValueColumns, long FixedBytes, long RowBytes)
{
    /// <summary>Bound on one value in an event's JSON: the longest double or long, and a comma.</summary>
    private const int BytesPerValue = 26;

    private static readonly HashSet<string> IgnoredColumns = [SampleBatch.SensorIdField, "Sequence"];

    /// <summary>Most rows one event may hold (bound: <see cref="SampleBatchJson.MaxEventBytes"/>).</summary>
    public int MaxRowsPerEvent => (int)Math.Min((SampleBatchJson.MaxEventBytes - FixedBytes) / RowBytes, int.MaxValue);

    /// <summary>Separators other than the configured one that a header is checked for when it has no timestamp column.</summary>
    private static readonly char[] OtherSeparators = [';', ',', '\t', '|'];

    /// <summary>
    /// The header from the first record's fields (names are trimmed; a UTF-8 BOM is dropped), or null and the problem.
    /// A header without a <c>TimestampNanos</c> column that holds another common separator than <paramref name="separator"/>
    /// says so when splitting at that separator would give one (<c>the header contains ';': set --csv-separator ';'</c>). A name holding a C0 control character (other than
    /// TAB, CR, LF, which a quoted name may hold) or DEL is refused: it is not a column name, and the stream would carry it.
    /// </summary>
    public static (CsvHeader? Header, string? Problem) Parse(IReadOnlyList<string> fields, string sensorId, char separator = ',')
    {
        var names = fields.Select((n, i) => (i == 0 ? n.TrimStart('\uFEFF') : n).Trim()).ToArray();
        var timeColumn = Array.IndexOf(names, SampleBatch.TimestampField);
        if (timeColumn < 0) return (null, $"header has no {SampleBatch.TimestampField} column" + SeparatorHint(names, separator));
        for (var i = 0; i < names.Length; i++)
            if (names[i].AsSpan().IndexOfAny(Controls) is var at and >= 0)
                return (null, $"header column {i + 1} holds the control character U+{(int)names[i][at]:X4}: not a column name");
        var valueColumns = Enumerable.Range(0, names.Length).Where(i => i != timeColumn && !IgnoredColumns.Contains(names[i])).ToArray();

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var i in valueColumns)
        {
            if (names[i].Length == 0) return (null, $"header column {i + 1} has no name");
            if (names[i] is SampleBatch.TimestampField or SampleBatch.FirstSequenceField or SampleBatch.SchemaField or SampleBatch.SchemaVersionField) return (null, $"header column {i + 1} '{names[i]}' is reserved for the event's own field");
            if (!seen.Add(names[i])) return (null, $"header names column '{names[i]}' twice");
        }

        // JSON escapes a character in at most 6 bytes; the event also carries the sensor id and its framing.
        var fixedBytes = 64 + 6L * sensorId.Length + valueColumns.Sum(i => 6L * names[i].Length + 8);
        var rowBytes = BytesPerValue * (1L + valueColumns.Length);
        if (SampleBatchJson.MaxEventBytes - fixedBytes < rowBytes)
            return (null, $"header is too wide: an event of one row with its {valueColumns.Length} value columns would exceed {SampleBatchJson.MaxEventBytes} bytes");
        return (new CsvHeader(names, timeColumn, valueColumns, fixedBytes, rowBytes), null);
    }

    /// <summary>C0 controls except TAB, CR and LF, and DEL.</summary>
    private static readonly SearchValues<char> Controls =
        SearchValues.Create([.. Enumerable.Range(0, 0x20).Select(c => (char)c).Where(c => c is not ('\t' or '\r' or '\n')), '\u007F']);

    private static string SeparatorHint(string[] names, char separator)
    {
        foreach (var other in OtherSeparators)
            if (other != separator && names.Any(n => n.Split(other).Any(part => part.Trim().Trim('"').TrimStart('\uFEFF') == SampleBatch.TimestampField)))
                return other == '\t' ? " (the header contains a tab: set --csv-separator tab)" : $" (the header contains '{other}': set --csv-separator '{other}')";
        return "";
    }
}
