using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace SensorStream.EdgeModule.Queue;

/// <summary>
/// Opens the queue database (WAL, synchronous=FULL, exclusive to this process) and creates its schema.
/// A database that fails SQLite's quick_check (or is not a database at all) is moved aside, with its
/// -wal and -shm files, and a fresh one is started: the collector keeps sampling instead of crash-looping.
/// </summary>
internal static class QueueDatabase
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS Events(
            Id INTEGER PRIMARY KEY AUTOINCREMENT,
            RoutingKey TEXT NOT NULL,
            FirstSequence INTEGER NOT NULL,
            SampleCount INTEGER NOT NULL,
            CreatedUnixNanos INTEGER NOT NULL,
            Data BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS PendingTransactions(
            TxnId TEXT PRIMARY KEY,
            FirstId INTEGER NOT NULL,
            LastId INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS SensorSequences(
            SensorId TEXT PRIMARY KEY,
            NextSequence INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS Losses(
            Id INTEGER PRIMARY KEY AUTOINCREMENT,
            SensorId TEXT NOT NULL,
            FirstSequence INTEGER NOT NULL,
            SampleCount INTEGER NOT NULL,
            Reason TEXT NOT NULL,
            AtUnixNanos INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS ImportedFiles(
            Path TEXT NOT NULL,
            Length INTEGER NOT NULL,
            LastWriteUnixNanos INTEGER NOT NULL,
            Rows INTEGER NOT NULL,
            BadRows INTEGER NOT NULL,
            ImportedUnixNanos INTEGER NOT NULL,
            PRIMARY KEY(Path, Length, LastWriteUnixNanos));
        CREATE TRIGGER IF NOT EXISTS EventsKeepNextSequence AFTER DELETE ON Events BEGIN
            INSERT INTO SensorSequences(SensorId, NextSequence) VALUES (old.RoutingKey, old.FirstSequence + old.SampleCount)
            ON CONFLICT(SensorId) DO UPDATE SET NextSequence = MAX(NextSequence, excluded.NextSequence);
        END;
        """;

    public static SqliteConnection OpenOrRecover(string path, ILogger log)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var problem = Check(full);
        if (problem is not null)
        {
            var aside = $"{full}.corrupt-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}";
            foreach (var suffix in new[] { "", "-wal", "-shm" })
                if (File.Exists(full + suffix)) File.Move(full + suffix, aside + suffix);
            log.LogError("Queue database {Path} is corrupt ({Problem}); moved it aside to {Aside} and started an empty queue. " +
                         "Events in the old file were not delivered: inspect it with sqlite3 if they matter", full, problem, aside);
        }
        return Open(full);
    }

    /// <summary>Null when the file is absent or healthy; otherwise what is wrong.</summary>
    private static string? Check(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var connection = Open(path);
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA quick_check";
            var result = command.ExecuteScalar() as string;
            return result == "ok" ? null : $"quick_check: {result}";
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 11 /* CORRUPT */ or 26 /* NOTADB */)
        {
            return e.Message;
        }
    }

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false, // a pooled handle would keep the file open after Dispose (and block moving it aside)
            DefaultTimeout = 2, // seconds of BUSY retries: only another process holding the database can cause them
        }.ToString());
        connection.Open();
        try
        {
            // One collector per database: a second process would race the coordinator and duplicate data.
            // Set before WAL so no shared-memory index is needed; the write below takes the lock and keeps it.
            Execute(connection, "PRAGMA locking_mode=EXCLUSIVE");
            Execute(connection, "PRAGMA journal_mode=WAL");
            // FULL: a committed event survives a power cut, which is the whole point of the queue.
            Execute(connection, "PRAGMA synchronous=FULL");
            Execute(connection, Schema);
            EventChecksum.AddColumn(connection);
            Execute(connection, CsvFileProgress.Schema);
            Execute(connection, EventQueue.StreamTailSchema);
            Execute(connection, EventQueue.UncheckedNumberingSchema);
            Execute(connection, EventQueue.UncountedGapsSchema);
            Execute(connection, "BEGIN IMMEDIATE; COMMIT;");
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 /* BUSY */ or 6 /* LOCKED */)
        {
            connection.Dispose();
            throw new IOException($"Queue database {path} is in use by another process (one collector per database)", e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
