using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.EdgeModule.Import;
using SensorStream.EdgeModule.Queue;
using SensorStream.EdgeModule.Tests.Support;
using SensorStream.Streams.Events;

namespace SensorStream.EdgeModule.Tests.Import;

public sealed class CsvImportTests
{
    private static EventQueue Open(string path) => EventQueue.Open(path, new QueueOptions(), NullLogger.Instance);

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

        var quarantine = File.ReadAllLines(Path.Combine(importer.QuarantineDirectory, "a.csv.rejected.csv"));
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
    public void A_header_without_timestamps_quarantines_the_whole_file()
    {
        using var dir = new TempDirectory();
        Drop(dir.Path, "bad.csv", "Time,V\n1,1.0\n", TimeSpan.FromMinutes(1));
        using var queue = Open(dir.File("q.db"));
        var importer = new CsvDirectoryImporter(dir.Path, queue, 10, TimeSpan.FromSeconds(1), NullLogger.Instance);
        importer.ScanOnce();
        Assert.Equal(0, queue.Stats().Events);
        Assert.Contains("no TimestampNanos column", File.ReadAllText(Path.Combine(importer.QuarantineDirectory, "bad.csv.rejected.csv")));
    }

    [Fact]
    public void Our_own_flattened_export_columns_are_accepted()
    {
        Assert.Equal(["a", "b,c", "d\"e", ""], CsvFileParser.SplitFields("a,\"b,c\",\"d\"\"e\","));
        using var dir = new TempDirectory();
        var path = Drop(dir.Path, "export.csv", "SensorId,Sequence,TimestampNanos,Value\n\"s1\",7,100,0.5\n", TimeSpan.FromMinutes(1));
        var parsed = CsvFileParser.Parse(path, "csv-x", 42, 10);
        var batch = Assert.Single(parsed.Batches);
        Assert.Equal(42, batch.FirstSequence);
        Assert.Equal([0.5], batch.DoubleColumn("Value")!);
        Assert.Null(batch.DoubleColumn("Sequence"));
    }
}
