using System.Text;
using Microsoft.Extensions.Logging;
using SensorStream.EdgeModule.Import;
using SensorStream.EdgeModule.Tests.Support;

namespace SensorStream.EdgeModule.Tests.Import;

/// <summary>What counts as text in a CSV file: bytes an encoding leaves undefined, control characters, a BOM that
/// contradicts the configured encoding, and a separator other than the configured one.</summary>
public sealed partial class CsvFieldTests
{
    private static readonly CsvDialect Windows1252 = new(EncodingName: "windows-1252");

    /// <summary>Bytes of <paramref name="text"/> in windows-1252, with <paramref name="raw"/> put where <c>@</c> stands.</summary>
    private static byte[] Cp1252(string text, byte raw)
    {
        var bytes = CsvDialect.Strict("windows-1252").GetBytes(text);
        bytes[Array.IndexOf(bytes, (byte)'@')] = raw;
        return bytes;
    }

    [Theory]
    [InlineData(0x81, true)]
    [InlineData(0x8D, true)]
    [InlineData(0x8F, false)]
    [InlineData(0x90, true)]
    [InlineData(0x9D, false)]
    public void A_byte_windows_1252_does_not_define_sets_the_file_aside_naming_byte_and_offset(byte undefined, bool inHeader)
    {
        // "Température" is one byte shorter than in UTF-8; the offset counts bytes of the file.
        var text = inHeader ? "TimestampNanos,Temp\u00E9r@ture\r\n1,20.5\r\n" : "TimestampNanos,Temp\u00E9rature\r\n1,20.5\r\n2,2@.5\r\n";
        var offset = Array.IndexOf(Cp1252(text, undefined), undefined);
        Drop(Input, "a.csv", Cp1252(text, undefined));
        Drop(Input, "b.csv", Encoding.Latin1.GetBytes("TimestampNanos,\u00C4\n7,1\n"));
        using var queue = Open();
        var importer = Importer(Input, queue, Windows1252);

        Assert.Equal(1, importer.ScanOnce());

        Assert.Equal(1, importer.FilesSetAside);
        var report = File.ReadAllText(CsvImportTests.Report(importer, "a.csv"));
        Assert.Contains($"is not windows-1252 text: the byte at offset {offset} (0x{undefined:X2}) decodes to the C1 control character U+00{undefined:X2}", report);
        Assert.Contains("set --csv-encoding to the encoding the file was written in", report);
        var batch = Assert.Single(Queued(queue)); // only b.csv: nothing of a.csv, not even its first good row
        Assert.Equal(["Ä"], batch.DoubleColumns.Select(c => c.Key));
    }

    [Fact]
    public void C1_controls_in_UTF_8_or_from_an_iso_8859_1_reading_set_the_file_aside_too()
    {
        Drop(Input, "u.csv", "TimestampNanos,V\n1,2\n3,4\u0085\n"); // U+0085 (NEL) is 0xC2 0x85 at offset 24
        var other = Directory.CreateDirectory(_dir.File("latin1")).FullName;
        Drop(other, "l.csv", Encoding.Latin1.GetBytes("TimestampNanos,P\u0080\n1,2\n")); // windows-1252's € read as iso-8859-1
        using var queue = Open();
        var utf8 = Importer(Input, queue);
        var latin1 = Importer(other, queue, new CsvDialect(EncodingName: "iso-8859-1"));

        Assert.Equal(0, utf8.ScanOnce());
        Assert.Equal(0, latin1.ScanOnce());

        Assert.Contains("is not utf-8 text: the bytes at offset 24 (0xC285) decode to the C1 control character U+0085", File.ReadAllText(CsvImportTests.Report(utf8, "u.csv")));
        Assert.Contains("is not iso-8859-1 text: the byte at offset 16 (0x80) decodes to the C1 control character U+0080", File.ReadAllText(CsvImportTests.Report(latin1, "l.csv")));
        Assert.Empty(Queued(queue));
    }

    [Fact]
    public void C0_controls_refuse_a_header_name_and_quarantine_only_the_row_holding_them()
    {
        Drop(Input, "h.csv", "TimestampNanos,\"Te\u0007mp\"\n1,2\n");
        Drop(Input, "r.csv", "TimestampNanos,V\n1,2\n2,3\u00005\n3,\"4\t\"\n");
        using var queue = Open();
        var importer = Importer(Input, queue);

        Assert.Equal(1, importer.ScanOnce());

        Assert.Contains("header column 2 holds the control character U+0007: not a column name", File.ReadAllText(CsvImportTests.Report(importer, "h.csv")));
        Assert.Equal([2.0, 4.0], Assert.Single(Queued(queue)).DoubleColumn("V")!); // a tab is white space around a number
        Assert.Contains("'3\u00005' is not a finite number", File.ReadAllText(CsvImportTests.Report(importer, "r.csv")));
    }

    [Fact]
    public void A_UTF_8_BOM_is_read_as_UTF_8_under_a_windows_1252_setting_and_says_so()
    {
        Drop(Input, "bom.csv", "\uFEFFTimestampNanos,Temp\u00E9\r\n1,20.5\r\n");
        Drop(Input, "cp.csv", Encoding.Latin1.GetBytes("TimestampNanos,Temp\u00E9\r\n2,21.5\r\n"));
        using var queue = Open();
        var log = new TestLogger();
        var importer = new CsvDirectoryImporter(Input, queue, 1000, Stable, log, Windows1252, clock: _clock);

        Assert.Equal(2, importer.ScanOnce());

        var batches = Queued(queue);
        Assert.Equal([[20.5], [21.5]], batches.Select(b => b.DoubleColumn("Tempé")!));
        Assert.Single(log.Lines, l => l.Contains("bom.csv starts with a UTF-8 byte-order mark: read as UTF-8 (--csv-encoding is windows-1252)"));
    }

    [Theory]
    [InlineData(',', "TimestampNanos;Temp\n1;2,5\n", "(the header contains ';': set --csv-separator ';')")]
    [InlineData(';', "TimestampNanos,Temp\n1,2.5\n", "(the header contains ',': set --csv-separator ',')")]
    [InlineData(',', "\"TimestampNanos\"\tTemp\n1\t2.5\n", "(the header contains a tab: set --csv-separator tab)")]
    [InlineData(',', "Time;Temp\n1;2,5\n", "header has no TimestampNanos column: the whole file")]
    public void A_header_without_TimestampNanos_hints_at_the_separator_that_would_give_one(char separator, string text, string reason)
    {
        Drop(Input, "a.csv", text);
        using var queue = Open();
        var importer = Importer(Input, queue, new CsvDialect(separator, separator == ';' ? ',' : '.'));

        Assert.Equal(0, importer.ScanOnce());

        Assert.Contains("header has no TimestampNanos column" + (reason.StartsWith('(') ? " " + reason : ""), File.ReadAllText(CsvImportTests.Report(importer, "a.csv")));
        if (!reason.StartsWith('(')) Assert.Contains(reason, File.ReadAllText(CsvImportTests.Report(importer, "a.csv")));
    }
}
