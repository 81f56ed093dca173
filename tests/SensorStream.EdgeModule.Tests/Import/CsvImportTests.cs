using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.EdgeModule.Import;
using SensorStream.EdgeModule.Queue;
using SensorStream.EdgeModule.Tests.Support;
using SensorStream.Streams.Events;

namespace SensorStream.EdgeModule.Tests.Import;

public sealed class CsvImportTests
{
    private static EventQueue Open(string path) => EventQueue.Open(path, new QueueOptions(), NullLogger.Instance);

    /// <summary>The quarantine report of the file named <paramref name="name"/> (one per name and content).</summary>
    internal static string Report(CsvDirectoryImporter importer, string name, int index = 0) =>
        Directory.GetFiles(importer.QuarantineDirectory, name + ".*.rejected.csv").Order(StringComparer.Ordinal).ElementAt(index);

    private static string Drop(string dir, string name, string text, TimeSpan age)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow - age);
        return path;
    }

    [Fact]
    public void Good_rows_are_queued_and_bad_rows_quarantined_with_line_and_reason()
    {
        using var dir = new TempDirectory();
        var input = Directory.CreateDirectory(Path.Combine(dir.Path, "in")).FullName;
        Drop(input, "a.csv", """
            TimestampNanos,Temp,Humidity
            1000,20.5,40
            1001,x,41
            1002,21.0,42

            1003,21.5
            1004,22.0,"43.5"
            """, TimeSpan.FromMinutes(1));
        using var queue = Open(dir.File("q.db"));
        var importer = new CsvDirectoryImporter(input, queue, batchSize: 2, TimeSpan.FromSeconds(5), NullLogger.Instance);

        Assert.Equal(1, importer.ScanOnce());

        var batches = queue.ReadAfter(0, 10, long.MaxValue).Select(e => SampleBatchJson.Deserialize(e.Data)).ToList();
        Assert.Equal([0L, 2], batches.Select(b => b.FirstSequence));
        Assert.Equal([1000L, 1002, 1004], batches.SelectMany(b => b.TimestampNanos));
        Assert.Equal([20.5, 21.0, 22.0], batches.SelectMany(b => b.DoubleColumn("Temp")!));
        Assert.Equal([40.0, 42, 43.5], batches.SelectMany(b => b.DoubleColumn("Humidity")!));
        Assert.All(batches, b => Assert.Equal("csv-in", b.SensorId));

        var quarantine = File.ReadAllLines(Report(importer, "a.csv"));
        Assert.Equal("line,reason,row", quarantine[0]);
        Assert.StartsWith("3,\"column Temp: 'x' is not a finite number\"", quarantine[1]);
        Assert.StartsWith("6,\"has 2 fields, the header has 3\"", quarantine[2]);
        Assert.Equal(3, quarantine.Length);
        Assert.True(File.Exists(Path.Combine(importer.CompletedDirectory, "a.csv")));
        Assert.False(File.Exists(Path.Combine(input, "a.csv")));
    }

    [Fact]
    public void A_file_still_being_written_waits_until_it_is_stable()
    {
        using var dir = new TempDirectory();
        var path = Drop(dir.Path, "fresh.csv", "TimestampNanos,V\n1,1.0\n", TimeSpan.Zero);
        using var queue = Open(dir.File("q.db"));
        var importer = new CsvDirectoryImporter(dir.Path, queue, 10, TimeSpan.FromSeconds(30), NullLogger.Instance);

        Assert.Equal(0, importer.ScanOnce());
        Assert.Equal(0, queue.Stats().Events);

        File.SetLastWriteTimeUtc(path, DateTime.UtcNow - TimeSpan.FromMinutes(1));
        Assert.Equal(1, importer.ScanOnce());
        Assert.Equal(1, queue.Stats().Events);
    }

    [Fact]
    public void A_file_recorded_before_a_crash_is_not_imported_again_and_sequences_continue()
    {
        using var dir = new TempDirectory();
        var input = Directory.CreateDirectory(Path.Combine(dir.Path, "in")).FullName;
        var path = Drop(input, "a.csv", "TimestampNanos,V\n1,1.0\n2,2.0\n3,3.0\n", TimeSpan.FromMinutes(1));
        var lastWrite = File.GetLastWriteTimeUtc(path);
        using (var queue = Open(dir.File("q.db")))
            new CsvDirectoryImporter(input, queue, 10, TimeSpan.FromSeconds(1), NullLogger.Instance).ScanOnce();

        // Crash between the SQL commit and the move: the same file is back in the input directory.
        File.Move(Path.Combine(input, "completed", "a.csv"), path);
        File.SetLastWriteTimeUtc(path, lastWrite);
        Drop(input, "b.csv", "TimestampNanos,V\n4,4.0\n", TimeSpan.FromMinutes(1));

        using var reopened = Open(dir.File("q.db"));
        var importer = new CsvDirectoryImporter(input, reopened, 10, TimeSpan.FromSeconds(1), NullLogger.Instance);
        Assert.Equal(1, importer.ScanOnce()); // only b.csv is new

        var batches = reopened.ReadAfter(0, 10, long.MaxValue).Select(e => SampleBatchJson.Deserialize(e.Data)).ToList();
        Assert.Equal([(0L, 3), (3L, 1)], batches.Select(b => (b.FirstSequence, b.Count)));
        Assert.Equal(2, Directory.GetFiles(Path.Combine(input, "completed")).Length);
    }

    [Fact]
    public void A_header_without_timestamps_sets_the_whole_file_aside()
    {
        using var dir = new TempDirectory();
        Drop(dir.Path, "bad.csv", "Time,V\n1,1.0\n", TimeSpan.FromMinutes(1));
        using var queue = Open(dir.File("q.db"));
        var importer = new CsvDirectoryImporter(dir.Path, queue, 10, TimeSpan.FromSeconds(1), NullLogger.Instance);
        importer.ScanOnce();
        Assert.Equal(0, queue.Stats().Events);
        Assert.Contains("no TimestampNanos column", File.ReadAllText(Report(importer, "bad.csv")));
        Assert.True(File.Exists(Path.Combine(importer.QuarantineDirectory, "bad.csv")));
        Assert.Equal(1, importer.FilesSetAside);
    }

    [Fact]
    public void Our_own_flattened_export_columns_are_accepted()
    {
        using var dir = new TempDirectory();
        Drop(dir.Path, "export.csv", "SensorId,Sequence,TimestampNanos,Value\n\"s1\",7,100,0.5\n", TimeSpan.FromMinutes(1));
        using var queue = Open(dir.File("q.db"));
        Assert.Equal(1, new CsvDirectoryImporter(dir.Path, queue, 10, TimeSpan.FromSeconds(1), NullLogger.Instance).ScanOnce());
        var batch = SampleBatchJson.Deserialize(Assert.Single(queue.ReadAfter(0, 10, long.MaxValue)).Data);
        Assert.Equal(0, batch.FirstSequence);
        Assert.Equal([0.5], batch.DoubleColumn("Value")!);
        Assert.Null(batch.DoubleColumn("Sequence"));
    }

    [Theory]
    [InlineData("TimestampNanos,V,FirstSequence", "header column 3 'FirstSequence' is reserved")] // round 6: crashed the importer
    [InlineData("TimestampNanos,V,TimestampNanos", "header column 3 'TimestampNanos' is reserved")]
    [InlineData("TimestampNanos,Schema,V", "header column 2 'Schema' is reserved")] // the event's table name (exports)
    [InlineData("TimestampNanos,V,SchemaVersion", "header column 3 'SchemaVersion' is reserved")]
    [InlineData("TimestampNanos,V, V ", "header names column 'V' twice")]
    [InlineData("TimestampNanos,V,", "header column 3 has no name")]
    [InlineData("\"TimestampNanos,V", "header has no TimestampNanos column")] // RFC 4180: the open quote holds the rest of the file
    public void A_header_the_events_cannot_carry_sets_the_whole_file_aside_and_the_scan_goes_on(string header, string reason)
    {
        using var dir = new TempDirectory();
        Drop(dir.Path, "a.csv", header + "\n1,2,3\n", TimeSpan.FromMinutes(1));
        Drop(dir.Path, "b.csv", "TimestampNanos,V\n1,2\n", TimeSpan.FromMinutes(1));
        using var queue = Open(dir.File("q.db"));
        var importer = new CsvDirectoryImporter(dir.Path, queue, 10, TimeSpan.FromSeconds(1), NullLogger.Instance);

        Assert.Equal(1, importer.ScanOnce());

        Assert.Equal(1, queue.Stats().Events); // b.csv's row only
        var report = File.ReadAllLines(Report(importer, "a.csv"));
        Assert.StartsWith($"1,\"{reason}", report[1]);
        Assert.Contains("the whole file is set aside", report[1]);
        Assert.Equal(1, importer.FilesSetAside);
    }

    [Fact]
    public void Many_columns_split_into_events_that_fit_the_event_limit()
    {
        // Round 13 (1 MiB limit then): 100 columns × 450 rows at batch 5000 made one 1.06 MB event and the importer threw.
        // At 8 MiB the importer's bound is (8,388,608 − ~2,700 fixed bytes) / (101 × 26 bytes a row) = 3,193 rows per event.
        using var dir = new TempDirectory();
        var columns = Enumerable.Range(0, 100).Select(i => $"c{i}").ToList();
        var rows = Enumerable.Range(0, 3_600).Select(t => $"{t}," + string.Join(',', columns.Select(_ => "-1.2345678901234567E-100")));
        Drop(dir.Path, "wide.csv", "TimestampNanos," + string.Join(',', columns) + "\n" + string.Join('\n', rows), TimeSpan.FromMinutes(1));
        using var queue = Open(dir.File("q.db"));
        var importer = new CsvDirectoryImporter(dir.Path, queue, 5000, TimeSpan.FromSeconds(1), NullLogger.Instance);

        Assert.Equal(1, importer.ScanOnce());

        var events = queue.ReadAfter(0, 100, long.MaxValue);
        Assert.Equal(3_600, events.Sum(e => e.SampleCount));
        Assert.All(events, e => Assert.InRange(e.SampleCount, 1, 3_193));
        Assert.All(events, e => Assert.True(e.Data.Length <= SampleBatchJson.MaxEventBytes));
    }

    [Fact]
    public void A_header_too_wide_for_any_event_sets_the_whole_file_aside()
    {
        using var dir = new TempDirectory();
        Drop(dir.Path, "a.csv", $"TimestampNanos,{new string('n', 700_000)}1,{new string('n', 700_000)}2\n1,2,3\n", TimeSpan.FromMinutes(1));
        using var queue = Open(dir.File("q.db"));
        var importer = new CsvDirectoryImporter(dir.Path, queue, 10, TimeSpan.FromSeconds(1), NullLogger.Instance);

        Assert.Equal(0, importer.ScanOnce());

        Assert.Equal(0, queue.Stats().Events);
        Assert.Contains("header is too wide", File.ReadAllText(Report(importer, "a.csv")));
    }

    [Fact]
    public void A_reused_file_name_gets_its_own_quarantine_report()
    {
        // Round 1, f27.csv: the second file named a.csv overwrote the first one's report.
        using var dir = new TempDirectory();
        using var queue = Open(dir.File("q.db"));
        var importer = new CsvDirectoryImporter(dir.Path, queue, 10, TimeSpan.FromSeconds(1), NullLogger.Instance);
        Drop(dir.Path, "a.csv", "TimestampNanos,V\n1,x\n", TimeSpan.FromMinutes(2));
        importer.ScanOnce();
        Drop(dir.Path, "a.csv", "TimestampNanos,V\n2,y\n", TimeSpan.FromMinutes(1));
        importer.ScanOnce();

        var reports = new[] { 0, 1 }.Select(i => File.ReadAllText(Report(importer, "a.csv", i))).ToList();
        Assert.Single(reports, r => r.Contains("'x'"));
        Assert.Single(reports, r => r.Contains("'y'"));
        Assert.True(File.Exists(Path.Combine(importer.CompletedDirectory, "a.1.csv")));
    }
}
