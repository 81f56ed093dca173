using System.Globalization;
using System.Text;

namespace SensorStream.EdgeModule.Tests.Import;

/// <summary>
/// Generates CSV files for the importer's fuzz test: valid ones in every form the format accepts (BOM, LF/CRLF/CR,
/// quotes, padding, signs, exponents, huge fields, wide headers, timestamps out of order) and malformed ones whose
/// defect is known, so the test can tell exactly which rows must be queued and which lines quarantined.
/// </summary>
internal sealed class RandomCsvFiles(Random random)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly string[] NamePool = ["Temp", "Humidity", "X", "Y", "Z", "Value", "p_1", "Ünïcode", "a b", "a,b", "q\"x", "Sensor.Temp"];
    private static readonly string[] BadValues =
        ["abc", "1.2.3", "0x1F", "", "NaN", "nan", "Infinity", "-Infinity", "∞", "1e400", "-1e999", "1e", "--1", "1_000", "١٢", "1.5f", "true", "1\u00005"];
    private static readonly string[] BadTimestamps = ["-1", "1.5", "abc", "", "99999999999999999999", "1e9", "0x10", "9223372036854775808", "NaN"];
    private static readonly double[] Specials = [0.0, -0.0, double.Epsilon, double.MaxValue, double.MinValue, 1e-310, 123456789012345678];
    private static readonly string[] Formats = ["R", "R", "G17", "E10", "F3", "0.###"];

    private enum Role { Time, Value, Ignored }

    private sealed record Column(string Name, Role Role);

    public CsvCase Next() => random.Next(100) switch
    {
        < 28 => Valid(),
        < 58 => Mixed(),
        < 70 => HeaderRefused(),
        < 80 => RandomBody(),
        < 85 => Empty(),
        < 92 => HugeFields(),
        < 95 => Wide(),
        < 97 => TooWide(),
        _ => RandomBytes(),
    };

    private CsvCase Valid() => Rows("valid", RandomColumns(), badShare: 0);

    private CsvCase Mixed() => Rows("mixed", RandomColumns(), badShare: 0.3);

    private CsvCase HugeFields()
    {
        var columns = RandomColumns(minValues: 1);
        var lines = new LineWriter(random);
        lines.Add(Header(columns));
        var value = columns.First(c => c.Role == Role.Value);
        var (tokens, row) = ValidRow(columns, 42);
        // 100 000 zeros after the point: a valid (if pointless) number; 200 000 letters: a bad one.
        var tiny = "0." + new string('0', 100_000) + "1";
        tokens[columns.IndexOf(value)] = tiny;
        row.Values[columns.Where(c => c.Role == Role.Value).ToList().IndexOf(value)] = double.Parse(tiny, Invariant);
        lines.Add(string.Join(',', tokens));
        tokens[columns.IndexOf(value)] = new string('x', 200_000);
        var badText = string.Join(',', tokens);
        var bad = new ExpectedBadLine(lines.Add(badText), value.Name, badText);
        return new CsvCase("huge-fields", Encode(lines.Text()), ValueNames(columns), [row], [bad]);
    }

    private CsvCase Wide()
    {
        // 100 columns × 3,600 rows of ~24-character doubles: over the 8 MiB event limit in one event at batch sizes above
        // ~3,190 (the importer's bound: 26 bytes per value), so batch 5000 splits it.
        List<Column> columns = [new("TimestampNanos", Role.Time), .. Enumerable.Range(0, 100).Select(i => new Column($"c{i:000}", Role.Value))];
        var lines = new LineWriter(random);
        lines.Add(Header(columns));
        var rows = new List<ExpectedRow>();
        for (var t = 0; t < 3_600; t++)
        {
            var values = Enumerable.Range(0, 100).Select(_ => RandomBits()).ToArray();
            lines.Add(t + "," + string.Join(',', values.Select(v => v.ToString("R", Invariant))));
            rows.Add(new ExpectedRow(t, values));
        }
        return new CsvCase("wide", Encode(lines.Text()), ValueNames(columns), rows, []);
    }

    private CsvCase TooWide()
    {
        // Two column names of 700 000 characters (the importer bounds a name's JSON form at 6 bytes a character): not even
        // a one-sample event fits the 8 MiB event limit.
        List<Column> columns = [new("TimestampNanos", Role.Time), new(new string('n', 700_000) + "1", Role.Value), new(new string('n', 700_000) + "2", Role.Value)];
        var lines = new LineWriter(random);
        var header = Header(columns);
        lines.Add(header);
        lines.Add("1,2,3");
        return new CsvCase("too-wide", Encode(lines.Text()), [], [], [new ExpectedBadLine(1, "", header)]);
    }

    private CsvCase Rows(string kind, List<Column> columns, double badShare)
    {
        var lines = new LineWriter(random);
        var header = Header(columns);
        lines.Add(random.Next(8) == 0 ? "\uFEFF" + header : header); // a second BOM, as a careless concatenation leaves
        var rows = new List<ExpectedRow>();
        var bad = new List<ExpectedBadLine>();
        foreach (var timestamp in Timestamps(random.Next(10) == 0 ? random.Next(100, 600) : random.Next(0, 40)))
        {
            if (random.Next(12) == 0) lines.Add("");
            var (tokens, row) = ValidRow(columns, timestamp);
            if (random.NextDouble() < badShare)
            {
                var (text, hint) = BadRow(columns, tokens, header);
                if (text.Length == 0) text = " "; // an empty line is skipped, not bad
                bad.Add(new ExpectedBadLine(lines.Add(text), hint, text));
            }
            else
            {
                lines.Add(string.Join(',', tokens));
                rows.Add(row);
            }
        }
        return new CsvCase(kind, Encode(lines.Text()), ValueNames(columns), rows, bad);
    }

    /// <summary>A row with exactly one known defect, and a word its reason must contain.</summary>
    private (string Text, string Hint) BadRow(List<Column> columns, string[] tokens, string header)
    {
        var valueIndexes = Enumerable.Range(0, columns.Count).Where(i => columns[i].Role == Role.Value).ToList();
        var time = columns.FindIndex(c => c.Role == Role.Time);
        switch (random.Next(8))
        {
            case 0 when valueIndexes.Count > 0:
                var c = valueIndexes[random.Next(valueIndexes.Count)];
                tokens[c] = Pick(BadValues);
                return (string.Join(',', tokens), columns[c].Name);
            case 1:
                tokens[time] = Pick(BadTimestamps);
                return (string.Join(',', tokens), "TimestampNanos");
            case 2 when tokens.Length > 1:
                var dropped = random.Next(tokens.Length);
                return (string.Join(',', tokens.Where((_, i) => i != dropped)), "fields");
            case 3:
                return (string.Join(',', tokens) + "," + Pick(["1", "", "\"x\""]), "fields");
            case 4 when tokens.Length > 1:
                // Cut at a separator: fewer fields. (A cut inside a quoted field would, per RFC 4180, hold the rest of the file.)
                return (string.Join(',', tokens.Take(random.Next(1, tokens.Length))), "fields");
            case 5:
                tokens[time] = "\"" + Pick(BadTimestamps) + "\"";
                return (string.Join(',', tokens), "TimestampNanos");
            case 6:
                return (header, "TimestampNanos"); // files concatenated with their headers
            default:
                return (new string(' ', random.Next(1, 4)), "");
        }
    }

    private CsvCase HeaderRefused()
    {
        var columns = RandomColumns(minValues: 1);
        string header;
        string hint;
        switch (random.Next(7))
        {
            case 0:
                columns.RemoveAll(c => c.Role == Role.Time);
                columns.Insert(0, new Column(Pick(["Time", "timestampnanos", "TimestampNanos2", "Timestamp Nanos"]), Role.Value));
                (header, hint) = (Header(columns), "TimestampNanos");
                break;
            case 1:
                var twice = columns.First(c => c.Role == Role.Value);
                columns.Add(twice);
                (header, hint) = (Header(columns), twice.Name);
                break;
            case 2:
                columns.Insert(random.Next(1, columns.Count + 1), new Column("", Role.Value));
                (header, hint) = (Header(columns), "no name");
                break;
            case 3:
                columns.Add(new Column("FirstSequence", Role.Value));
                (header, hint) = (Header(columns), "FirstSequence");
                break;
            case 4:
                columns.Add(new Column("TimestampNanos", Role.Value));
                (header, hint) = (Header(columns), "TimestampNanos");
                break;
            case 5:
                (header, hint) = (new string(' ', random.Next(0, 3)), "TimestampNanos");
                break;
            default:
                (header, hint) = ("\"" + Header(columns), ""); // an unterminated quote
                break;
        }
        var lines = new LineWriter(random);
        lines.Add(header);
        // A file of blank lines only is an empty file (imported, nothing in it), not a refused header.
        var rows = random.Next(header.Trim().Length == 0 ? 1 : 0, 5);
        for (var i = 0; i < rows; i++) lines.Add(string.Join(',', Enumerable.Range(0, columns.Count).Select(_ => random.Next(100))));
        return new CsvCase("header-refused", Encode(lines.Text()), [], [], [new ExpectedBadLine(1, hint, header)]);
    }

    private CsvCase RandomBody()
    {
        var columns = RandomColumns();
        var body = new byte[random.Next(0, 400)];
        const string alphabet = "0123456789,.-+eE\r\n \t"; // no quote: one would join lines into a record (RFC 4180)
        for (var i = 0; i < body.Length; i++)
            body[i] = random.Next(3) == 0 ? (byte)random.Next(256) : (byte)alphabet[random.Next(alphabet.Length)];
        var bytes = Encode(Header(columns) + "\n").Concat(body).ToArray();
        return new CsvCase("random-body", bytes, ValueNames(columns), null, [], NonBlankLines(Encoding.UTF8.GetString(body)));
    }

    private CsvCase RandomBytes()
    {
        var bytes = new byte[random.Next(16, 300)];
        random.NextBytes(bytes);
        return new CsvCase("random-bytes", bytes, [], [], [new ExpectedBadLine(1, "", null)]);
    }

    private CsvCase Empty()
    {
        var lines = new LineWriter(random);
        var columns = RandomColumns();
        switch (random.Next(3))
        {
            case 0: return new CsvCase("empty", [], [], [], []);
            case 1: return new CsvCase("empty", [0xEF, 0xBB, 0xBF], [], [], []);
            default:
                lines.Add(Header(columns));
                var blank = random.Next(0, 3);
                for (var i = 0; i < blank; i++) lines.Add("");
                return new CsvCase("header-only", Encode(lines.Text()), ValueNames(columns), [], []);
        }
    }

    private List<Column> RandomColumns(int minValues = 0)
    {
        var columns = NamePool.OrderBy(_ => random.Next()).Take(random.Next(minValues, 5)).Select(n => new Column(n, Role.Value)).ToList();
        columns.Insert(random.Next(columns.Count + 1), new Column("TimestampNanos", Role.Time));
        if (random.Next(4) == 0) columns.Insert(random.Next(columns.Count + 1), new Column("SensorId", Role.Ignored));
        if (random.Next(4) == 0) columns.Insert(random.Next(columns.Count + 1), new Column("Sequence", Role.Ignored));
        return columns;
    }

    private static List<string> ValueNames(List<Column> columns) => columns.Where(c => c.Role == Role.Value).Select(c => c.Name).ToList();

    private string Header(List<Column> columns) => string.Join(',', columns.Select(c => Field(c.Name)));

    /// <summary>A field as CSV text: quoted when it must be (and sometimes when not), sometimes padded with spaces.</summary>
    private string Field(string text)
    {
        // RFC 4180: spaces are part of a field, so a quote after a space is data: only unquoted fields are padded.
        if (text.Contains(',') || text.Contains('"') || random.Next(5) == 0) return Quote(text);
        return random.Next(6) == 0 ? " " + text + "  " : text;
    }

    private static string Quote(string text) => "\"" + text.Replace("\"", "\"\"") + "\"";

    private (string[] Tokens, ExpectedRow Row) ValidRow(List<Column> columns, long timestamp)
    {
        var tokens = new string[columns.Count];
        var values = new List<double>();
        for (var i = 0; i < columns.Count; i++)
        {
            switch (columns[i].Role)
            {
                case Role.Time:
                    tokens[i] = TimestampToken(timestamp);
                    break;
                case Role.Value:
                    var (token, value) = ValueToken();
                    tokens[i] = token;
                    values.Add(value);
                    break;
                default:
                    tokens[i] = Field(Pick(["s1", "7", "", "any, text", "x\"y"])); // ignored columns: never parsed
                    break;
            }
        }
        return (tokens, new ExpectedRow(timestamp, [.. values]));
    }

    private string TimestampToken(long t)
    {
        var text = t.ToString(Invariant);
        return random.Next(8) switch
        {
            0 => "+" + text,
            1 => " " + text + " ",
            2 => Quote(text),
            3 => "000" + text,
            4 when t == 0 => "-0",
            _ => text,
        };
    }

    private (string Token, double Value) ValueToken()
    {
        var v = random.Next(6) switch
        {
            0 => random.Next(-1000, 1000),
            1 => random.NextDouble() * 2e6 - 1e6,
            2 => RandomBits(),
            3 => Pick(Specials),
            _ => Math.Round(random.NextDouble() * 100, 2),
        };
        var text = v.ToString(Pick(Formats), Invariant);
        // A rounding format can push ±MaxValue over the edge: such text is not a finite number.
        if (!double.IsFinite(double.Parse(text, NumberStyles.Float, Invariant))) text = v.ToString("R", Invariant);
        var expected = double.Parse(text, NumberStyles.Float, Invariant);
        var token = random.Next(8) switch
        {
            0 => " " + text + "\t",
            1 => Quote(text),
            2 => " " + text + " ",
            3 when char.IsAsciiDigit(text[0]) => "00" + text,
            4 => text.Replace('E', 'e'),
            _ => text,
        };
        return (token, expected);
    }

    private double RandomBits()
    {
        while (true)
        {
            var v = BitConverter.Int64BitsToDouble(random.NextInt64(long.MinValue, long.MaxValue));
            if (double.IsFinite(v)) return v;
        }
    }

    /// <summary>In order, shuffled, with repeats or anywhere in range: the format does not require order.</summary>
    private List<long> Timestamps(int count)
    {
        var start = random.NextInt64(0, 2_000_000_000_000_000_000);
        var list = Enumerable.Range(0, count).Select(i => start + i * (long)random.Next(1, 1_000_000)).ToList();
        switch (random.Next(4))
        {
            case 0: return [.. list.OrderBy(_ => random.Next())];
            case 1: return [.. list.Select(t => random.Next(3) == 0 ? start : t)];
            case 2: return [.. list.Select(_ => random.Next(10) == 0 ? Pick([0L, long.MaxValue]) : random.NextInt64(0, long.MaxValue))];
            default: return list;
        }
    }

    private T Pick<T>(T[] items) => items[random.Next(items.Length)];

    private byte[] Encode(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return random.Next(4) == 0 ? [0xEF, 0xBB, 0xBF, .. bytes] : bytes;
    }

    /// <summary>Non-empty lines as <see cref="StreamReader.ReadLine"/> splits them (on CRLF, CR or LF).</summary>
    private static int NonBlankLines(string text)
    {
        var count = 0;
        var length = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is '\r' or '\n')
            {
                if (length > 0) count++;
                length = 0;
                if (text[i] == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
            }
            else length++;
        }
        return length > 0 ? count + 1 : count;
    }

    /// <summary>Joins lines with random LF / CRLF / CR endings and numbers them as the parser will.</summary>
    private sealed class LineWriter(Random random)
    {
        private readonly StringBuilder _text = new();
        private string _lastEnding = "";
        private long _lines;

        /// <summary>Appends a line; returns its 1-based number.</summary>
        public long Add(string line)
        {
            // An empty line ended by LF right after a lone CR would read as one CRLF: keep such pairs apart.
            string[] endings = line.Length == 0 && _lastEnding == "\r" ? ["\r", "\r\n"] : ["\n", "\r\n", "\r"];
            _lastEnding = endings[random.Next(endings.Length)];
            _text.Append(line).Append(_lastEnding);
            return ++_lines;
        }

        /// <summary>The text, sometimes without the last line ending.</summary>
        public string Text() => random.Next(3) == 0 && _lines > 0 ? _text.ToString()[..^_lastEnding.Length] : _text.ToString();
    }
}
