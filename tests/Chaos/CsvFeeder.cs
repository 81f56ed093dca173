using System.Globalization;
using System.Text;

namespace SensorStream.Chaos;

/// <summary>
/// The run's CSV source: drops a numbered file of <see cref="RowsPerFile"/> rows into the collector's import folder
/// every few seconds (written beside it, then renamed in, so the importer never sees half a file). At the end every
/// row written must be in the stream exactly once: a file imported twice or lost shows up in the count.
/// </summary>
public sealed class CsvFeeder(string directory)
{
    public const int RowsPerFile = 500;

    private int _files;

    public string Directory { get; } = directory;

    public long RowsWritten => (long)_files * RowsPerFile;

    public int FilesWritten => _files;

    /// <summary>The collector names a <c>csv:&lt;dir&gt;</c> source <c>csv-&lt;dir name&gt;</c> (CsvDirectoryImporter.SensorIdFor).</summary>
    public string SensorId => "csv-" + Path.GetFileName(Directory);

    public void WriteNext()
    {
        lock (_gate) Write();
    }

    private readonly Lock _gate = new(); // the timer and the disk-full fault both drop files

    private void Write()
    {
        System.IO.Directory.CreateDirectory(Directory);
        var name = $"chaos-{_files:D5}.csv";
        var text = new StringBuilder("TimestampNanos,File,Row\n");
        var start = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        for (var row = 0; row < RowsPerFile; row++)
            text.Append(CultureInfo.InvariantCulture, $"{start + row * 1_000_000L},{_files},{row}\n");
        var staging = Path.Combine(Path.GetDirectoryName(Directory)!, name + ".partial");
        File.WriteAllText(staging, text.ToString());
        // Dated a minute back, as a copy that keeps modification times (rsync -t, cp -p) is: the importer takes it
        // at its next scan instead of waiting out the stable time, so a file can be made to arrive during a fault.
        File.SetLastWriteTimeUtc(staging, DateTime.UtcNow.AddMinutes(-1));
        File.Move(staging, Path.Combine(Directory, name));
        _files++;
    }

    /// <summary>True once the importer has taken every file (moved to completed/ or quarantine).</summary>
    public bool AllTaken() => System.IO.Directory.GetFiles(Directory, "*.csv").Length == 0;
}
