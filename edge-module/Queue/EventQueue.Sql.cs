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
