using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Microsoft.Data.Sqlite;

namespace SensorStream.EdgeModule.Queue;

/// <summary>
/// CRC-32 (IEEE) of a queued event, stored in <c>Events.Crc</c>: SQLite checks its b-trees (quick_check) but not the
/// bytes of a row, so a flipped bit in an event would otherwise be shipped as data. Covers the routing key (UTF-8),
/// FirstSequence and SampleCount (int64 little-endian each) and the serialized batch. Rows queued by a version
/// without the column have NULL there and are not checked.
/// </summary>
internal static class EventChecksum
{
    /// <summary>The checksum of one event, as stored.</summary>
    public static long Of(string routingKey, long firstSequence, long sampleCount, ReadOnlySpan<byte> data)
    {
        var crc = new Crc32();
        Span<byte> key = routingKey.Length <= 128 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(routingKey.Length)] : new byte[Encoding.UTF8.GetByteCount(routingKey)];
        crc.Append(key[..Encoding.UTF8.GetBytes(routingKey, key)]);
        Span<byte> numbers = stackalloc byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(numbers, firstSequence);
        BinaryPrimitives.WriteInt64LittleEndian(numbers[8..], sampleCount);
        crc.Append(numbers);
        crc.Append(data);
        return crc.GetCurrentHashAsUInt32();
    }

    /// <summary>Whether the row under <paramref name="reader"/> (Crc in column 6) matches <paramref name="e"/> read from it.</summary>
    public static bool Matches(SqliteDataReader reader, QueuedEvent e) =>
        reader.IsDBNull(6) || reader.GetInt64(6) == Of(e.RoutingKey, e.FirstSequence, e.SampleCount, e.Data);

    /// <summary>Adds the column to a queue created before it existed.</summary>
    public static void AddColumn(SqliteConnection connection)
    {
        using var probe = connection.CreateCommand();
        probe.CommandText = "SELECT COUNT(*) FROM pragma_table_info('Events') WHERE name = 'Crc'";
        if ((long)probe.ExecuteScalar()! > 0) return;
        using var alter = connection.CreateCommand();
        alter.CommandText = "ALTER TABLE Events ADD COLUMN Crc INTEGER";
        alter.ExecuteNonQuery();
    }
}
