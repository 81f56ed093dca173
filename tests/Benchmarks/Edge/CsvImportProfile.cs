using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.EdgeModule.Import;
using SensorStream.EdgeModule.Queue;

namespace SensorStream.Benchmarks.Edge;

/// <summary>
/// Where the CSV importer's time goes: each stage of <see cref="CsvDirectoryImporter"/> run alone over the same file, in
/// rows per CPU-second of this process (so other processes' load does not blur it) and as a ratio to the raw Sep
/// parse: the readiness probe (once per scan, whatever the file's size), the identity pass (hash + encoding check), the
/// reader (Sep parse, and the events' JSON written from the fields' text, in parts of <see cref="CsvDirectoryImporter.PartBytes"/>),
/// a raw SQLite insert of the same event bytes (WAL, synchronous=FULL, one transaction per part, as
/// the queue commits), and the queue's own <see cref="EventQueue.EnqueueFile"/> of the same parts (encoding + checksum +
/// insert + resume position + sequence ledger).
/// </summary>
internal static class CsvImportProfile
{
    public static void Run(string dir, string source, long rows, double rawPerCpuSecond)
    {
        var readinessCpu = Cpu(() => CsvReadiness.OpenForWriting([source]), out _);
        var identityCpu = Cpu(() => CsvFileIdentity.Read(source, CsvDialect.Default.Encoding), out var identity);
        TimeSpan read = default, sql = default, queued = default;
        long count = 0, jsonBytes = 0;
        using var db = OpenRawDatabase(Path.Combine(dir, "raw-sqlite.db"));
        using var insert = db.CreateCommand();
        insert.CommandText = "INSERT INTO Events(RoutingKey, FirstSequence, SampleCount, Data) VALUES ($k, $s, $n, $d)";
        var (key, first, samples, data) = (insert.Parameters.Add("$k", SqliteType.Text), insert.Parameters.Add("$s", SqliteType.Integer),
            insert.Parameters.Add("$n", SqliteType.Integer), insert.Parameters.Add("$d", SqliteType.Blob));
        using var queue = EventQueue.Open(Path.Combine(dir, "profile-queue.db"), new QueueOptions { MaxBytes = 64L << 30 }, NullLogger.Instance);
        var progress = new CsvFileProgress("profile.csv", identity.ContentHash, identity.Length, 0, 0, 0, 0, null);
        using (var reader = CsvFileReader.Open(source, identity.Length, CsvDialect.Default, "bench"))
        {
            long next = 0;
            while (true)
            {
                read += Cpu(() => reader.ReadPart(next, CsvDirectoryImporter.PartBytes, 1000, CsvDirectoryImporter.PartRecords), out var part);
                count += part.Rows;
                var events = part.Events;
                jsonBytes += events.Sum(e => (long)e.Data.Length);
                sql += Cpu(() =>
                {
                    using var txn = db.BeginTransaction();
                    insert.Transaction = txn;
                    for (var i = 0; i < events.Count; i++)
                    {
                        (key.Value, first.Value, samples.Value, data.Value) = ("bench", events[i].FirstSequence, events[i].Count, events[i].Data);
                        insert.ExecuteNonQuery();
                    }
                    txn.Commit();
                    return 0;
                }, out _);
                progress = progress with { NextRecord = progress.NextRecord + part.Records, Rows = progress.Rows + part.Rows };
                queued += Cpu(() => queue.EnqueueFile(part.Events, progress), out _);
                next = part.NextSequence(next);
                if (part.End) break;
            }
        }
        if (count != rows) throw new InvalidOperationException($"profile read {count} rows, expected {rows}");
        Console.WriteLine($"  readiness probe (one pass over /proc/*/fd, {Directory.GetDirectories("/proc").Length} entries): {readinessCpu.TotalMilliseconds:F0} ms of CPU");
        Console.WriteLine($"  stages alone (rows per CPU-second, ratio to the raw parse's): identity pass {Line(rows, identityCpu, rawPerCpuSecond)}, " +
                          $"reader into encoded events (Sep parse + JSON from the fields' text) {Line(rows, read, rawPerCpuSecond)} " +
                          $"({jsonBytes / (double)rows:F1} bytes/row), raw SQLite insert of those bytes {Line(rows, sql, rawPerCpuSecond)}, " +
                          $"EventQueue.EnqueueFile of the same parts {Line(rows, queued, rawPerCpuSecond)}");
        var sum = identityCpu + read + queued;
        Console.WriteLine($"  → identity + reader + EnqueueFile bound the importer at {rows / sum.TotalSeconds:N0} rows per CPU-second (ratio {rows / sum.TotalSeconds / rawPerCpuSecond:F2}); " +
                          $"with the queue's insert at the raw insert's cost it would be {rows / (identityCpu + read + sql).TotalSeconds / rawPerCpuSecond:F2}; " +
                          $"the best any importer that reads with Sep and stores these bytes can do by CPU (reader + raw insert, serially) is {rows / (read + sql).TotalSeconds / rawPerCpuSecond:F2}");
    }

    /// <summary>This process's CPU time (user + system, every thread) spent in <paramref name="stage"/>.</summary>
    private static TimeSpan Cpu<T>(Func<T> stage, out T result)
    {
        var before = Process.GetCurrentProcess().TotalProcessorTime;
        result = stage();
        return Process.GetCurrentProcess().TotalProcessorTime - before;
    }

    private static string Line(long rows, TimeSpan cpu, double raw) => $"{rows / cpu.TotalSeconds:N0} ({rows / cpu.TotalSeconds / raw:F2})";

    private static SqliteConnection OpenRawDatabase(string path)
    {
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        db.Open();
        using var setup = db.CreateCommand();
        setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; " +
                            "CREATE TABLE Events(Id INTEGER PRIMARY KEY AUTOINCREMENT, RoutingKey TEXT NOT NULL, FirstSequence INTEGER NOT NULL, " +
                            "SampleCount INTEGER NOT NULL, Data BLOB NOT NULL)";
        setup.ExecuteNonQuery();
        return db;
    }
}
