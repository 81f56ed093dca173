using SensorStream.EdgeModule.Import;
using SensorStream.EdgeModule.Queue;
using SensorStream.EdgeModule.Tests.Support;

namespace SensorStream.EdgeModule.Tests.Import;

/// <summary>The importer's wait for room in a small queue is logged once when it starts and once when it ends.</summary>
public sealed partial class CsvFieldTests
{
    [Fact]
    public void A_file_larger_than_the_queue_logs_its_wait_for_room_once_and_its_end_once()
    {
        Drop(Input, "big.csv", Rows(0, 2000));
        using var queue = Open(maxBytes: 8192);
        var log = new TestLogger();
        var importer = new CsvDirectoryImporter(Input, queue, 10, Stable, log, clock: _clock);

        Assert.Equal(0, importer.ScanOnce());
        for (var i = 0; i < 20; i++) // drained one event at a time: the import trickles on in small parts
        {
            Drain(queue, 1);
            _clock.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal(0, importer.ScanOnce());
        }
        var scans = 0;
        for (; importer.FilesImported == 0 && scans < 10_000; scans++) // drained whole: each scan fills the queue again
        {
            Drain(queue);
            _clock.Advance(TimeSpan.FromSeconds(1));
            importer.ScanOnce();
        }
        Drain(queue);

        Assert.Equal(1, importer.FilesImported);
        Assert.True(scans > 5, $"the file took {scans} scans: the test must make the importer wait again and again");
        Assert.Equal(Times(Enumerable.Range(0, 2000)), _drained.SelectMany(b => b.TimestampNanos));
        var waits = log.Lines.Where(l => l.Contains("waiting for room in the queue")).ToList();
        var ends = log.Lines.Where(l => l.Contains("big.csv: read to its end while the queue drained")).ToList();
        Assert.Single(waits);
        Assert.Contains("a part needs at least", waits[0]);
        Assert.Single(ends);
        Assert.DoesNotContain(log.Lines, l => l.Contains("the queue has room again"));
    }

    [Fact]
    public void A_row_larger_than_the_whole_queue_is_said_once_in_the_queues_wording()
    {
        Drop(Input, "wide.csv", Rows(0, 3));
        using var queue = Open(maxBytes: 64);
        var log = new TestLogger();
        var importer = new CsvDirectoryImporter(Input, queue, 10, Stable, log, clock: _clock);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(0, importer.ScanOnce());
            _clock.Advance(TimeSpan.FromSeconds(1));
        }
        var line = Assert.Single(log.Lines, l => l.Contains("whole queue"));
        Assert.Matches(@"^Error: .*wide\.csv: a part of one row is \d+ bytes, larger than the whole queue \(64 bytes\): it can never be queued; " +
                       "the file waits in place until --max-queue-mb is raised$", line);
        Assert.True(File.Exists(Path.Combine(Input, "wide.csv")));
    }
}
