using System.Globalization;
using nietras.SeparatedValues;
using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.EdgeModule.Import;
using SensorStream.EdgeModule.Queue;
using SensorStream.EdgeModule.Tests.Support;
using SensorStream.Streams.Events;

namespace SensorStream.EdgeModule.Tests.Import;

/// <summary>
/// Property test of the CSV importer against a real SQLite queue: rounds of random, malformed and valid files (and
/// files dropped again as after a crash before the move) never crash it; every valid row is queued exactly once, in
/// file order, with contiguous sequence numbers; every bad line is quarantined with its line number and a reason;
/// queued events never change afterwards. Seeded, so a failure reproduces.
/// </summary>
public sealed class CsvImportFuzzTests : IDisposable
{
    private const int Seed = 20260315;
    private const int Rounds = 40;
    private static readonly int[] BatchSizes = [1, 7, 64, 1000, 5000];

    private sealed record Dropped(string Name, CsvCase Case, string CompletedName, DateTime LastWrite, bool Redrop);

    private sealed record ReportLine(long Line, string Reason, string Row);

    private readonly TempDirectory _dir = new();
    private readonly TestLogger _log = new();
    private string Input => _dir.File("in");

    [Fact]
    public void Random_csv_files_are_queued_exactly_once_or_quarantined_with_line_and_reason()
    {
        Directory.CreateDirectory(Input);
        var random = new Random(Seed);
        var files = new RandomCsvFiles(random);
        var history = new List<Dropped>();
        var uses = new Dictionary<string, int>();
        var reports = new Dictionary<string, string>(); // each quarantine report must survive later rounds
        var queue = Open();
        try
        {
            IReadOnlyList<QueuedEvent> before = [];
            for (var round = 0; round < Rounds; round++)
            {
                if (round > 0 && random.Next(4) == 0)
                {
                    queue.Dispose(); // a restart: the importer resumes from the sequences in the queue
                    queue = Open();
                }
                var batch = BatchSizes[random.Next(BatchSizes.Length)];
                var importer = new CsvDirectoryImporter(Input, queue, batch, TimeSpan.FromSeconds(1), _log);
                var dropped = DropRound(random, files, history, uses);
                var where = $"seed {Seed}, round {round}, batch {batch}";
                var logStart = _log.Lines.Count;

                var crash = Record.Exception(() => importer.ScanOnce());
                Assert.True(crash is null, $"{where}: ScanOnce threw {crash}\nfiles: {string.Join(", ", dropped.Select(d => $"{d.Name} ({d.Case.Kind})"))}");

                var after = queue.ReadAfter(0, int.MaxValue, long.MaxValue);
                AssertUnchanged(before, after, where);
                var log = _log.Lines.Skip(logStart).ToList();
                var next = before.Count;
                foreach (var file in dropped.OrderBy(d => d.Name, StringComparer.Ordinal))
                    next = Verify(file, importer, after, next, batch, log, reports, $"{where}, file {file.Name} ({file.Case.Kind})");
                Assert.True(next == after.Count, $"{where}: {after.Count - next} events queued that no file accounts for");
                history.AddRange(dropped.Where(d => !d.Redrop));
                before = after;
            }
            AssertContiguous(before, queue.NextSequences());
            foreach (var (path, text) in reports)
                Assert.True(File.Exists(path) && File.ReadAllText(path) == text, $"seed {Seed}: quarantine report {path} was lost or overwritten");
        }
        finally
        {
            queue.Dispose();
        }
    }

    public void Dispose() => _dir.Dispose();

    private EventQueue Open() => EventQueue.Open(_dir.File("queue.db"), new QueueOptions(), NullLogger.Instance);

    /// <summary>Writes 4–11 files (names reused across rounds; now and then one already imported, as a crash before the move leaves it).</summary>
    private List<Dropped> DropRound(Random random, RandomCsvFiles files, List<Dropped> history, Dictionary<string, int> uses)
    {
        var dropped = new List<Dropped>();
        var count = random.Next(4, 12);
        for (var i = 0; i < count; i++)
        {
            var again = history.Count > 0 && random.Next(12) == 0 ? history[random.Next(history.Count)] : null;
            var name = again?.Name ?? $"f{random.Next(60):00}.csv";
            if (dropped.Any(d => d.Name == name)) continue;
            var n = uses.GetValueOrDefault(name);
            uses[name] = n + 1;
            var completedName = n == 0 ? name : $"{Path.GetFileNameWithoutExtension(name)}.{n}.csv";
            var path = Path.Combine(Input, name);
            var file = again is null
                ? new Dropped(name, files.Next(), completedName, DateTime.UtcNow - TimeSpan.FromMinutes(1) - TimeSpan.FromTicks(random.Next(10_000_000)), false)
                : again with { CompletedName = completedName, Redrop = true };
            File.WriteAllBytes(path, file.Case.Bytes);
            File.SetLastWriteTimeUtc(path, file.LastWrite);
            dropped.Add(file);
        }
        return dropped;
    }

    /// <summary>Checks one file's outcome; consumes its events from <paramref name="next"/> on and returns the index after them.</summary>
    private int Verify(Dropped file, CsvDirectoryImporter importer, IReadOnlyList<QueuedEvent> events, int next, int batch,
        List<string> log, Dictionary<string, string> reports, string where)
    {
        var path = Path.Combine(Input, file.Name);
        Assert.False(File.Exists(path), $"{where}: still in the input directory");
        var hash = Convert.ToHexStringLower(System.IO.Hashing.XxHash128.Hash(file.Case.Bytes));
        var reportPath = Path.Combine(importer.QuarantineDirectory, $"{file.Name}.{hash[..8]}.rejected.csv");
        var report = File.Exists(reportPath) ? ReadReport(reportPath, where) : [];
        if (file.Case.WholeFileBad || !IsUtf8(file.Case.Bytes))
        {
            // Set aside (again, for a file dropped again): the file itself in quarantine/, one reason in its report, nothing queued.
            Assert.True(MovedInto(importer.QuarantineDirectory, file), $"{where}: not set aside unchanged in quarantine/");
            var reason = Assert.Single(report);
            Assert.True(IsUtf8(file.Case.Bytes) ? reason.Line == 1 : reason.Reason.Contains("is not valid utf-8"), $"{where}: set aside for '{reason.Reason}'");
            reports[reportPath] = File.ReadAllText(reportPath);
            return next;
        }
        Assert.True(MovedInto(importer.CompletedDirectory, file),
            $"{where}: not moved unchanged to completed/; report: {(File.Exists(reportPath) ? File.ReadAllText(reportPath) : "none")}");
        if (file.Redrop)
        {
            Assert.True(!File.Exists(reportPath) || (reports.TryGetValue(reportPath, out var first) && first == File.ReadAllText(reportPath)),
                $"{where}: a file already imported was parsed again");
            return next; // already queued once: nothing new
        }

        var c = file.Case;
        if (c.Rows is not null)
        {
            var missed = c.BadLines.Where(b => report.All(r => r.Line != b.Line)).Select(b => $"{b.Line} ({b.Hint}): {Shorten(b.Text)}");
            var extra = report.Where(r => c.BadLines.All(b => b.Line != r.Line)).Select(r => $"{r.Line}: {r.Reason}");
            Assert.True(c.BadLines.Select(b => b.Line).SequenceEqual(report.Select(r => r.Line)),
                $"{where}: bad lines not quarantined [{string.Join("; ", missed)}], good lines quarantined [{string.Join("; ", extra)}]");
            foreach (var (bad, line) in c.BadLines.Zip(report))
            {
                Assert.True(line.Reason.Contains(bad.Hint, StringComparison.OrdinalIgnoreCase), $"{where}: line {line.Line}: reason '{line.Reason}' does not mention '{bad.Hint}'");
                Assert.True(bad.Text is null || bad.Text == line.Row, $"{where}: line {line.Line}: quarantined text differs from the line");
            }
        }
        Assert.All(report, r => Assert.False(string.IsNullOrWhiteSpace(r.Reason), $"{where}: line {r.Line} quarantined without a reason"));
        if (report.Count > 0)
        {
            reports[reportPath] = File.ReadAllText(reportPath);
            Assert.True(log.Any(l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains(path, StringComparison.Ordinal)),
                $"{where}: no warning names the file");
        }

        var rows = c.Rows;
        var expected = rows?.Count ?? c.NonBlankLines - report.Count;
        for (var taken = 0; taken < expected;)
        {
            Assert.True(next < events.Count, $"{where}: {expected - taken} of its {expected} rows are not queued");
            var e = events[next++];
            Assert.True(e.Data.Length <= SampleBatchJson.MaxEventBytes, $"{where}: event of {e.Data.Length} bytes, over the limit");
            var b = SampleBatchJson.Deserialize(e.Data);
            Assert.True(b.Count <= batch && b.Count <= expected - taken,
                $"{where}: event of {b.Count} samples (batch {batch}, {expected - taken} rows of the file left): too big or spanning files");
            Assert.True(b.SensorId == "csv-in" && b.Scalars.Count == 0 && b.LongColumns.Count == 0, $"{where}: unexpected event fields");
            Assert.True(b.DoubleColumns.Select(d => d.Key).SequenceEqual(c.Columns),
                $"{where}: columns [{string.Join(",", b.DoubleColumns.Select(d => d.Key))}], expected [{string.Join(",", c.Columns)}]");
            if (rows is not null) AssertSamples(rows.Skip(taken).Take(b.Count).ToList(), b, $"{where}, event at sequence {b.FirstSequence}");
            taken += b.Count;
        }
        return next;
    }

    private static bool IsUtf8(byte[] bytes)
    {
        try
        {
            new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetCharCount(bytes);
            return true;
        }
        catch (System.Text.DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>The file is in <paramref name="folder"/> under its name or a numbered one (<c>name.N.csv</c>), unchanged.</summary>
    private static bool MovedInto(string folder, Dropped file) =>
        Directory.Exists(folder) &&
        Directory.GetFiles(folder, Path.GetFileNameWithoutExtension(file.Name) + "*.csv")
            .Where(f => Path.GetFileName(f) == file.Name || !Path.GetFileName(f).EndsWith(".rejected.csv", StringComparison.Ordinal))
            .Any(f => File.ReadAllBytes(f).AsSpan().SequenceEqual(file.Case.Bytes));

    private static string? Shorten(string? text) => text is { Length: > 80 } ? text[..80] + "…" : text;

    private static void AssertSamples(List<ExpectedRow> rows, SampleBatch batch, string where)
    {
        Assert.True(rows.Select(r => r.Timestamp).SequenceEqual(batch.TimestampNanos), $"{where}: timestamps differ");
        for (var c = 0; c < batch.DoubleColumns.Count; c++)
        {
            var (name, values) = batch.DoubleColumns[c];
            Assert.True(rows.Select(r => r.Values[c]).SequenceEqual(values), $"{where}: column {name} values differ");
        }
    }

    private static List<ReportLine> ReadReport(string path, string where)
    {
        var lines = File.ReadAllLines(path);
        Assert.True(lines.Length > 1 && lines[0] == "line,reason,row", $"{where}: quarantine report {path} has no header or no lines");
        using var reader = Sep.New(',').Reader(o => o with { DisableColCountCheck = true, Unescape = true }).FromFile(path);
        var result = new List<ReportLine>();
        foreach (var row in reader)
        {
            Assert.True(row.ColCount == 3, $"{where}: quarantine report line is not line,reason,row: {row.Span}");
            result.Add(new ReportLine(long.Parse(row[0].Span, CultureInfo.InvariantCulture), row[1].ToString(), row[2].ToString()));
        }
        return result;
    }

    private static void AssertUnchanged(IReadOnlyList<QueuedEvent> before, IReadOnlyList<QueuedEvent> after, string where)
    {
        Assert.True(after.Count >= before.Count, $"{where}: {before.Count - after.Count} queued events disappeared");
        for (var i = 0; i < before.Count; i++)
            Assert.True(before[i].Id == after[i].Id && before[i].Data.AsSpan().SequenceEqual(after[i].Data), $"{where}: queued event {before[i].Id} changed");
    }

    private static void AssertContiguous(IReadOnlyList<QueuedEvent> events, IReadOnlyDictionary<string, long> nextSequences)
    {
        long next = 0;
        foreach (var e in events)
        {
            Assert.True(e.FirstSequence == next, $"seed {Seed}: event {e.Id} starts at sequence {e.FirstSequence}, expected {next}");
            next += e.SampleCount;
        }
        Assert.Equal(next, nextSequences.GetValueOrDefault("csv-in"));
    }
}
