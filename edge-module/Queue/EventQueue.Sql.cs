using Microsoft.Data.Sqlite;

namespace SensorStream.EdgeModule.Queue;

/// <summary>Small ADO.NET plumbing for the queue's statements.</summary>
public sealed partial class EventQueue
{
    private static void Execute(SqliteTransaction txn, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = txn.Connection!.CreateCommand();
        command.Transaction = txn;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// A statement of the ingest path, prepared once per queue (SQLite parses and plans it once, not once per event) and
    /// run with <see cref="Bind"/>; its parameters are <paramref name="names"/>, in that order.
    /// </summary>
    private static SqliteCommand Prepare(SqliteConnection db, string sql, params string[] names)
    {
        var command = db.CreateCommand();
        command.CommandText = sql;
        foreach (var name in names) command.Parameters.Add(new SqliteParameter(name, null));
        return command;
    }

    /// <summary>A prepared statement in <paramref name="txn"/> with <paramref name="values"/> for its parameters, in their order.</summary>
    private static SqliteCommand Bind(SqliteCommand command, SqliteTransaction txn, params object[] values)
    {
        command.Transaction = txn;
        for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i];
        return command;
    }

    private static List<T> Query<T>(SqliteConnection db, string sql, SqliteTransaction? txn, Func<SqliteDataReader, T> map,
        params (string Name, object Value)[] parameters)
    {
        using var command = db.CreateCommand();
        command.Transaction = txn;
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        using var reader = command.ExecuteReader();
        var result = new List<T>();
        while (reader.Read()) result.Add(map(reader));
        return result;
    }
}
