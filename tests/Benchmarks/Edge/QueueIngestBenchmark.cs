using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.EdgeModule.Queue;
using SensorStream.Streams.Events;

namespace SensorStream.Benchmarks.Edge;

/// <summary>
/// Queue ingest (serialize + one SQL transaction per event, with the sequence bookkeeping) against a raw SQLite
/// insert of the same rows (same bytes, same table shape, same pragmas, one transaction per row).
/// </summary>
internal static class QueueIngestBenchmark
{
    public static void Run(int events, int samplesPerEvent)
    {
        Console.WriteLine($"== edge queue ingest: {events} events of {samplesPerEvent} samples, one SQL transaction each, WAL, synchronous=FULL");
        var batches = Enumerable.Range(0, events).Select(i => Batch($"s{i % 2}", i / 2 * (long)samplesPerEvent, samplesPerEvent)).ToList();
        var dir = Directory.CreateTempSubdirectory("edge-bench-queue").FullName;
        try
        {
            var raw = Raw(Path.Combine(dir, "raw.db"), batches);
            var queue = Queue(Path.Combine(dir, "queue.db"), batches);
            Console.WriteLine($"  raw SQLite insert: {raw:F0} events/s ({raw * samplesPerEvent:F0} samples/s)");
            Console.WriteLine($"  EventQueue.Enqueue: {queue:F0} events/s ({queue * samplesPerEvent:F0} samples/s)");
            Console.WriteLine($"  → ratio queue/raw = {queue / raw:F2} (goal ≥ 0.8); 1 kHz × 1 sensor needs {1000.0 / samplesPerEvent:F0} events/s");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static SampleBatch Batch(string sensor, long first, int n)
    {
        var t = Enumerable.Range(0, n).Select(i => 1_764_000_000_000_000_000L + (first + i) * 1_000_000).ToArray();
        return new SampleBatch(sensor, first, t)
            .WithColumn("Sample", Enumerable.Range(0, n).Select(i => first + i).ToArray())
            .WithColumn("Value", Enumerable.Range(0, n).Select(i => Math.Sin(first + i)).ToArray());
    }

    private static double Queue(string path, List<SampleBatch> batches)
    {
        using var queue = EventQueue.Open(path, new QueueOptions(), NullLogger.Instance);
        var clock = Stopwatch.StartNew();
        foreach (var b in batches) queue.Enqueue(b);
        return batches.Count / clock.Elapsed.TotalSeconds;
    }

    private static double Raw(string path, List<SampleBatch> batches)
    {
        using var db = new SqliteConnection($"Data Source={path};Pooling=False");
        db.Open();
        foreach (var sql in new[] { "PRAGMA locking_mode=EXCLUSIVE", "PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                     "CREATE TABLE Events(Id INTEGER PRIMARY KEY AUTOINCREMENT, RoutingKey TEXT, FirstSequence INTEGER, SampleCount INTEGER, CreatedUnixNanos INTEGER, Data BLOB)" })
        {
            using var c = db.CreateCommand();
            c.CommandText = sql;
            c.ExecuteNonQuery();
        }
        // The raw side gets its rows already serialized: the queue's JSON encoding is part of what is measured against it.
        var rows = batches.Select(b => (b.SensorId, b.FirstSequence, b.Count, Data: SampleBatchJson.Serialize(b))).ToList();
        var clock = Stopwatch.StartNew();
        foreach (var r in rows)
        {
            using var txn = db.BeginTransaction();
            using var insert = db.CreateCommand();
            insert.Transaction = txn;
            insert.CommandText = "INSERT INTO Events(RoutingKey, FirstSequence, SampleCount, CreatedUnixNanos, Data) VALUES ($k, $s, $n, $t, $d)";
            insert.Parameters.AddWithValue("$k", r.SensorId);
            insert.Parameters.AddWithValue("$s", r.FirstSequence);
            insert.Parameters.AddWithValue("$n", r.Count);
            insert.Parameters.AddWithValue("$t", 0L);
            insert.Parameters.AddWithValue("$d", r.Data);
            insert.ExecuteNonQuery();
            txn.Commit();
        }
        return rows.Count / clock.Elapsed.TotalSeconds;
    }
}
