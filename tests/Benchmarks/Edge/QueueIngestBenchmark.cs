using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using SensorStream.EdgeModule.Queue;
using SensorStream.Benchmarks.Gateway;
using SensorStream.Streams.Events;

namespace SensorStream.Benchmarks.Edge;

/// <summary>
/// Queue ingest (serialize + CRC + one SQL transaction per event, with the sequence bookkeeping and its sidecar files)
/// against a raw SQLite insert of the same rows: same bytes, same table shape, same pragmas (WAL, synchronous=FULL,
/// exclusive locking), one transaction per row, the raw statement prepared once (the best a plain insert does). The two
/// run interleaved in rounds (raw, queue, raw, queue…) so a change of the machine's load during the run hits both sides
/// alike; times and the process's CPU time are summed per side. The raw side gets its rows already serialized: the
/// queue's JSON encoding is part of what is measured against it.
/// </summary>
internal static class QueueIngestBenchmark
{
    private const int Rounds = 10;

    public static void Run(int events, int samplesPerEvent)
    {
        Console.WriteLine($"== edge queue ingest: {events} events of {samplesPerEvent} samples, one SQL transaction each, WAL, synchronous=FULL, {Rounds} interleaved rounds");
        var batches = Enumerable.Range(0, events).Select(i => Batch($"s{i % 2}", i / 2 * (long)samplesPerEvent, samplesPerEvent)).ToList();
        var dir = Directory.CreateTempSubdirectory("edge-bench-queue").FullName;
        try
        {
            using var raw = new RawInsert(Path.Combine(dir, "raw.db"));
            using var queue = EventQueue.Open(Path.Combine(dir, "queue.db"), new QueueOptions(), NullLogger.Instance);
            var rows = batches.Select(b => (b.SensorId, b.FirstSequence, b.Count, Data: SampleBatchJson.Serialize(b))).ToList();
            var (rawTime, rawCpu, queueTime, queueCpu) = (TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
            var per = (events + Rounds - 1) / Rounds;
            for (var round = 0; round < Rounds; round++)
            {
                var (from, to) = (round * per, Math.Min(events, (round + 1) * per));
                var (t, c) = Timed(() => { for (var i = from; i < to; i++) raw.Insert(rows[i]); });
                (rawTime, rawCpu) = (rawTime + t, rawCpu + c);
                (t, c) = Timed(() => { for (var i = from; i < to; i++) queue.Enqueue(batches[i]); });
                (queueTime, queueCpu) = (queueTime + t, queueCpu + c);
            }
            double rawRate = events / rawTime.TotalSeconds, queueRate = events / queueTime.TotalSeconds;
            Console.WriteLine($"  raw SQLite insert: {rawRate:F0} events/s ({rawRate * samplesPerEvent:F0} samples/s), CPU {rawCpu.TotalMicroseconds / events:F0} µs/event");
            Console.WriteLine($"  EventQueue.Enqueue: {queueRate:F0} events/s ({queueRate * samplesPerEvent:F0} samples/s), CPU {queueCpu.TotalMicroseconds / events:F0} µs/event");
            Console.WriteLine($"  → ratio queue/raw = {queueRate / rawRate:F2} (goal ≥ 0.8); 1 kHz × 1 sensor needs {1000.0 / samplesPerEvent:F0} events/s");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static (TimeSpan Wall, TimeSpan Cpu) Timed(Action work)
    {
        var cpu = ProcessCpu.OfThisProcess();
        var clock = Stopwatch.StartNew();
        work();
        return (clock.Elapsed, ProcessCpu.OfThisProcess() - cpu);
    }

    private static SampleBatch Batch(string sensor, long first, int n)
    {
        var t = Enumerable.Range(0, n).Select(i => 1_764_000_000_000_000_000L + (first + i) * 1_000_000).ToArray();
        return new SampleBatch(sensor, first, t)
            .WithColumn("Sample", Enumerable.Range(0, n).Select(i => first + i).ToArray())
            .WithColumn("Value", Enumerable.Range(0, n).Select(i => Math.Sin(first + i)).ToArray());
    }

    /// <summary>The raw limit: one prepared INSERT per row, each in its own transaction.</summary>
    private sealed class RawInsert : IDisposable
    {
        private readonly SqliteConnection _db;
        private readonly SqliteCommand _insert;

        public RawInsert(string path)
        {
            _db = new SqliteConnection($"Data Source={path};Pooling=False");
            _db.Open();
            foreach (var sql in new[] { "PRAGMA locking_mode=EXCLUSIVE", "PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                         "CREATE TABLE Events(Id INTEGER PRIMARY KEY AUTOINCREMENT, RoutingKey TEXT, FirstSequence INTEGER, SampleCount INTEGER, CreatedUnixNanos INTEGER, Data BLOB)" })
            {
                using var c = _db.CreateCommand();
                c.CommandText = sql;
                c.ExecuteNonQuery();
            }
            _insert = _db.CreateCommand();
            _insert.CommandText = "INSERT INTO Events(RoutingKey, FirstSequence, SampleCount, CreatedUnixNanos, Data) VALUES ($k, $s, $n, $t, $d)";
            foreach (var name in new[] { "$k", "$s", "$n", "$t", "$d" }) _insert.Parameters.Add(new SqliteParameter(name, null));
        }

        public void Insert((string SensorId, long FirstSequence, int Count, byte[] Data) row)
        {
            using var txn = _db.BeginTransaction();
            _insert.Transaction = txn;
            (_insert.Parameters[0].Value, _insert.Parameters[1].Value, _insert.Parameters[2].Value, _insert.Parameters[3].Value, _insert.Parameters[4].Value) =
                (row.SensorId, row.FirstSequence, row.Count, Stopwatch.GetTimestamp(), row.Data);
            _insert.ExecuteNonQuery();
            txn.Commit();
        }

        public void Dispose()
        {
            _insert.Dispose();
            _db.Dispose();
        }
    }
}
