using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.EdgeModule.Import;
using SensorStream.EdgeModule.Queue;
using SensorStream.EdgeModule.Tests.Support;
using SensorStream.Streams.Events;
using SensorStream.Testing;

namespace SensorStream.EdgeModule.Tests.Import;

/// <summary>
/// The kinds of file data loggers and spreadsheet programs really produce (see ../shared/field-cases), each with inputs
/// of our own, against a real SQLite queue: dialects, encodings, readiness, identity, and import in parts.
/// </summary>
public sealed partial class CsvFieldTests : IDisposable
{
    private static readonly TimeSpan Old = TimeSpan.FromMinutes(1);
    private readonly TempDirectory _dir = new();
    private readonly List<SampleBatch> _drained = [];

    private string Input => Directory.CreateDirectory(_dir.File("in")).FullName;

    public void Dispose() => _dir.Dispose();

    private EventQueue Open(long maxBytes = 1L << 30) =>
        EventQueue.Open(_dir.File("q.db"), new QueueOptions { MaxBytes = maxBytes, MaxBytesSetting = "--max-queue-mb" }, NullLogger.Instance);

    private static readonly TimeSpan Stable = TimeSpan.FromSeconds(1);

    /// <summary>The importers' clock: advanced by the tests, never slept on.</summary>
    private readonly ManualClock _clock = new();

    private CsvDirectoryImporter Importer(string input, EventQueue queue, CsvDialect? dialect = null, int batch = 1000) =>
        new(input, queue, batch, Stable, NullLogger.Instance, dialect, clock: _clock);

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    private static string Drop(string dir, string name, byte[] bytes, TimeSpan? age = null)
    {
        var path = Path.Combine(dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow - (age ?? Old));
        return path;
    }

    private static string Drop(string dir, string name, string text, TimeSpan? age = null) => Drop(dir, name, Encoding.UTF8.GetBytes(text), age);

    /// <summary>Plays the coordinator: the oldest <paramref name="count"/> queued events (all by default) are "committed" (deleted) and kept in <see cref="_drained"/>.</summary>
    private void Drain(EventQueue queue, int count = int.MaxValue)
    {
        var events = queue.ReadAfter(0, count, long.MaxValue);
        if (events.Count == 0) return;
        var pending = new PendingTransaction(Guid.NewGuid().ToString("N"), events[0].Id, events[^1].Id);
        queue.RecordPending(pending);
        queue.Complete(pending);
        _drained.AddRange(events.Select(e => SampleBatchJson.Deserialize(e.Data)));
    }

    /// <summary>A file of rows i = first…first+count-1: timestamp <see cref="T0"/> + i, value i + 0.5 (about 30 bytes a row once queued).</summary>
    private static string Rows(int first, int count) =>
        "TimestampNanos,V\n" + string.Concat(Enumerable.Range(first, count).Select(i => $"{T0 + i},{i}.5\n"));

    private const long T0 = 1_764_460_800_000_000_000;

    private static IEnumerable<long> Times(params IEnumerable<int>[] ranges) => ranges.SelectMany(r => r).Select(i => T0 + i);

    private List<SampleBatch> Queued(EventQueue queue) =>
        queue.ReadAfter(0, int.MaxValue, long.MaxValue).Select(e => SampleBatchJson.Deserialize(e.Data)).ToList();

    private static string FieldCase(string folder, string file) => Path.Combine(RepoPaths.Root, "..", "shared", "field-cases", folder, file);

    [Fact]
    public void Quoted_fields_spanning_lines_CRLF_and_a_BOM_are_read_as_RFC_4180_says()
    {
        Drop(Input, "a.csv", "\uFEFFTimestampNanos,\"Temp\r\n(°C)\"\r\n1,\"21.0\"\r\n2,\"21.5\r\n\"\r\n\r\n3,22.0\r\n4,\"x\r\ny\"\r\n");
        using var queue = Open();
        var importer = Importer(Input, queue);

        Assert.Equal(1, importer.ScanOnce());

        var batch = Assert.Single(Queued(queue));
        Assert.Equal([1L, 2, 3], batch.TimestampNanos);
        Assert.Equal([21.0, 21.5, 22.0], batch.DoubleColumn("Temp\r\n(°C)")!);
        var report = File.ReadAllText(CsvImportTests.Report(importer, "a.csv"));
        Assert.Equal("line,reason,row\n8,\"column Temp\r\n(°C): 'x\r\ny' is not a finite number\",\"4,\"\"x\r\ny\"\"\"\n", report); // line 8 of 9
    }

    [Fact]
    public void The_shared_quoted_newline_case_gives_its_three_rows()
    {
        if (!File.Exists(FieldCase("csv-quoted-newline", "readings.csv"))) return; // ../shared is beside the work tree
        Drop(Input, "readings.csv", File.ReadAllBytes(FieldCase("csv-quoted-newline", "readings.csv")));
        using var queue = Open();
        Assert.Equal(1, Importer(Input, queue).ScanOnce());
        Assert.Equal([21.0, 21.5, 22.0], Assert.Single(Queued(queue)).DoubleColumn("Temp")!);
    }

    [Fact]
    public void Extensions_match_in_any_case_and_subfolders_are_scanned_in_name_order()
    {
        Drop(Input, "b/2.CSV", Rows(20, 1));
        Drop(Input, "a.Csv", Rows(10, 1));
        Drop(Input, "b/1.csv", Rows(15, 1));
        Drop(Input, "c.txt", Rows(99, 1));
        Drop(Input, ".hidden/d.csv", Rows(98, 1));
        using var queue = Open();
        var importer = Importer(Input, queue);

        Assert.Equal(3, importer.ScanOnce());

        Assert.Equal(Times([10, 15, 20]), Queued(queue).SelectMany(b => b.TimestampNanos));
        Assert.Equal([0L, 1, 2], Queued(queue).Select(b => b.FirstSequence));
        Assert.True(File.Exists(Path.Combine(importer.CompletedDirectory, "b", "2.CSV")));
        Assert.True(File.Exists(Path.Combine(Input, "c.txt")));
    }

    [Fact]
    public void Semicolons_with_decimal_commas_are_a_setting()
    {
        Drop(Input, "a.csv", "TimestampNanos;Temp;Humidity\n1;20,5;40\n2;-1,25e3;41,0\n3;1.5;42\n");
        using var queue = Open();
        var importer = Importer(Input, queue, new CsvDialect(';', ','));

        Assert.Equal(1, importer.ScanOnce());

        var batch = Assert.Single(Queued(queue));
        Assert.Equal([20.5, -1250.0], batch.DoubleColumn("Temp")!);
        Assert.Equal([40.0, 41.0], batch.DoubleColumn("Humidity")!);
        Assert.Contains("'1.5' is not a finite number", File.ReadAllText(CsvImportTests.Report(importer, "a.csv")));
    }

    [Fact]
    public void Invalid_UTF_8_is_set_aside_naming_the_encoding_and_the_next_file_is_imported()
    {
        Drop(Input, "a.csv", Encoding.Latin1.GetBytes("TimestampNanos,Druck\u00B0,Feuchte\u00E4\n1,2,3\n"));
        Drop(Input, "b.csv", Rows(5, 1));
        using var queue = Open();
        var importer = Importer(Input, queue);

        Assert.Equal(1, importer.ScanOnce());

        Assert.Equal(Times([5]), Queued(queue).SelectMany(b => b.TimestampNanos));
        Assert.Contains("is not valid utf-8: the byte at offset 20 (0xB0)", File.ReadAllText(CsvImportTests.Report(importer, "a.csv")));
        Assert.True(File.Exists(Path.Combine(importer.QuarantineDirectory, "a.csv")));
        Assert.DoesNotContain(Queued(queue).SelectMany(b => b.DoubleColumns.Select(c => c.Key)), n => n.Contains('\uFFFD'));
    }

    [Fact]
    public void A_configured_windows_1252_encoding_decodes_the_header()
    {
        Drop(Input, "a.csv", Encoding.Latin1.GetBytes("TimestampNanos,Temp\u00E9rature,\u00C4\r\n1,20.5,1\r\n"));
        var shared = FieldCase("csv-windows-1252", "readings.csv");
        if (File.Exists(shared)) Drop(Input, "b.csv", File.ReadAllBytes(shared));
        using var queue = Open();

        Importer(Input, queue, new CsvDialect(EncodingName: "windows-1252")).ScanOnce();

        var batches = Queued(queue);
        Assert.Equal(["Température", "Ä"], batches[0].DoubleColumns.Select(c => c.Key));
        if (File.Exists(shared)) Assert.Equal([20.5, 21.5, 22.5], batches[1].DoubleColumn("Température")!);
    }

    [Fact]
    public void Temporary_names_are_ignored_until_renamed_into_the_folder()
    {
        var dot = Drop(Input, ".a.csv", Rows(1, 2));
        var tmp = Drop(Input, "b.csv.tmp", Rows(3, 2));
        using var queue = Open();
        var importer = Importer(Input, queue);
        Assert.Equal(0, importer.ScanOnce());

        File.Move(dot, Path.Combine(Input, "a.csv"));
        File.Move(tmp, Path.Combine(Input, "b.csv"));
        Assert.Equal(2, importer.ScanOnce());
        Assert.Equal(Times([1, 2, 3, 4]), Queued(queue).SelectMany(b => b.TimestampNanos));
    }

    [Fact]
    public void A_file_open_for_writing_is_not_taken_however_quiet_it_is()
    {
        var path = Path.Combine(Input, "logger.csv");
        using var queue = Open();
        var importer = Importer(Input, queue);
        using (var writer = new StreamWriter(new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read)))
        {
            writer.Write(Rows(1, 3));
            writer.Flush();
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow - Old);
            Assert.Equal(0, importer.ScanOnce());
            Assert.Equal(0, importer.ScanOnce());
            writer.Write(Rows(4, 3)[("TimestampNanos,V\n".Length)..]);
        }
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow - Old);

        // Closed, but seen open less than the stable time ago: its writer may reopen it to append.
        Assert.Equal(0, importer.ScanOnce());
        _clock.Advance(Stable);
        Assert.Equal(1, importer.ScanOnce());
        Assert.Equal(Times(Enumerable.Range(1, 6)), Queued(queue).SelectMany(b => b.TimestampNanos));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void A_writer_that_closes_and_reopens_to_append_loses_no_row(int reopenings)
    {
        // A logger that opens, appends and closes for every few rows: the file's time says "old" (loggers that keep
        // the modification time, or a clock step), yet every row it appends after a close must arrive, in one file.
        var path = Path.Combine(Input, "reopening.csv");
        using var queue = Open();
        var importer = Importer(Input, queue);
        File.WriteAllText(path, "TimestampNanos,V\n");
        var written = 0;
        for (var round = 0; round <= reopenings; round++)
        {
            using (var writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)))
            {
                writer.Write(Rows(written + 1, 2)[("TimestampNanos,V\n".Length)..]);
                writer.Flush();
                written += 2;
                File.SetLastWriteTimeUtc(path, DateTime.UtcNow - Old);
                Assert.Equal(0, importer.ScanOnce());
            }
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow - Old);
            // Closed for less than the stable time: not taken, however old the file's time.
            _clock.Advance(Stable / 2);
            Assert.Equal(0, importer.ScanOnce());
        }
        _clock.Advance(Stable);
        Assert.Equal(1, importer.ScanOnce());
        Assert.Equal(Times(Enumerable.Range(1, written)), Queued(queue).SelectMany(b => b.TimestampNanos));
        Assert.Empty(Directory.GetFiles(Input));
    }

    [Fact]
    public void A_new_file_with_the_same_name_size_and_time_is_imported_and_the_same_file_again_is_not()
    {
        using var queue = Open();
        var importer = Importer(Input, queue);
        var time = DateTime.UtcNow - Old;
        foreach (var text in new[] { Rows(1, 2), Rows(3, 2), Rows(1, 2) })
        {
            var path = Drop(Input, "a.csv", text);
            File.SetLastWriteTimeUtc(path, time);
            importer.ScanOnce();
            Assert.False(File.Exists(path));
        }
        Assert.Equal(Times([1, 2, 3, 4]), Queued(queue).SelectMany(b => b.TimestampNanos));
        Assert.Equal(3, Directory.GetFiles(importer.CompletedDirectory).Length);
    }

    [Fact]
    public void A_file_larger_than_the_queue_flows_in_parts_as_the_queue_drains_and_the_next_file_follows()
    {
        Drop(Input, "a_big.csv", Rows(0, 600));
        Drop(Input, "b_small.csv", Rows(1000, 3));
        using var queue = Open(maxBytes: 10485);
        var importer = Importer(Input, queue, batch: 1000);

        var scans = 0;
        for (; importer.FilesImported < 2 && scans < 200; scans++)
        {
            importer.ScanOnce();
            Assert.True(queue.Stats().Bytes <= 10485);
            Drain(queue);
        }

        Assert.True(scans >= 2, $"{scans} scans: the file was not imported in parts");
        Assert.Equal(Times(Enumerable.Range(0, 600), [1000, 1001, 1002]), _drained.SelectMany(b => b.TimestampNanos));
        Assert.Equal(Enumerable.Range(0, 600).Select(i => i + 0.5).Concat([1000.5, 1001.5, 1002.5]), _drained.SelectMany(b => b.DoubleColumn("V")!));
        Assert.Empty(queue.Losses());
    }

    [Fact]
    public void A_restart_in_the_middle_of_a_file_resumes_after_the_last_durable_part()
    {
        Drop(Input, "big.csv", Rows(0, 500).Replace(",17.5", ",x"));
        var queue = Open(maxBytes: 4000);
        try
        {
            var importer = Importer(Input, queue, batch: 7);
            importer.ScanOnce();
            Drain(queue);
            importer.ScanOnce(); // a second part queued, not drained: it must survive the restart as queued
            Assert.True(queue.Stats().Events > 0);
            File.AppendAllText(Directory.GetFiles(importer.QuarantineDirectory).Single(), "9,\"left by a crash before the commit\",\"\"\n");
            queue.Dispose();
            queue = Open(maxBytes: 4000);
            importer = Importer(Input, queue, batch: 7);
            for (var scans = 0; importer.FilesImported < 1 && scans < 500; scans++)
            {
                Drain(queue);
                importer.ScanOnce();
            }
            Drain(queue);

            Assert.Equal(Times(Enumerable.Range(0, 500).Where(i => i != 17)), _drained.SelectMany(b => b.TimestampNanos));
            Assert.Equal(Enumerable.Range(0, 499).Select(i => (long)i), _drained.SelectMany(b => Enumerable.Range(0, b.Count).Select(i => b.FirstSequence + i)));
            var report = File.ReadAllLines(CsvImportTests.Report(importer, "big.csv"));
            Assert.Equal(["line,reason,row", $"19,\"column V: 'x' is not a finite number\",\"{T0 + 17},x\""], report);
        }
        finally
        {
            queue.Dispose();
        }
    }

    [Fact]
    public void A_file_that_changes_after_it_was_taken_is_set_aside_and_reported()
    {
        var path = Drop(Input, "a.csv", Rows(0, 300));
        Drop(Input, "b.csv", Rows(1000, 1));
        using var queue = Open(maxBytes: 4000);
        var importer = Importer(Input, queue, batch: 10);
        importer.ScanOnce();
        var imported = Queued(queue).Sum(b => b.Count);
        Assert.InRange(imported, 1, 299);

        File.AppendAllText(path, $"{T0 + 300},300.5\n");
        for (var scans = 0; importer.FilesImported < 1 && scans < 100; scans++)
        {
            Drain(queue);
            importer.ScanOnce();
        }
        Drain(queue);

        Assert.Equal(1, importer.FilesSetAside);
        var report = File.ReadAllText(CsvImportTests.Report(importer, "a.csv"));
        Assert.Contains("changed after it was taken (length", report);
        Assert.Contains($"({imported} rows)", report);
        Assert.Equal(Times(Enumerable.Range(0, imported), [1000]), _drained.SelectMany(b => b.TimestampNanos));
        Assert.True(File.Exists(Path.Combine(importer.QuarantineDirectory, "a.csv")));
    }
}
